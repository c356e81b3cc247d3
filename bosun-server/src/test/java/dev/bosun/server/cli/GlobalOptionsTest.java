package dev.bosun.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobalOptionsTest {
    @Test
    void clientOptionsBeforeTheSubcommandMoveAfterIt() {
        assertThat(GlobalOptions.moveAfterCommand("--url", "http://h:1", "sessions", "list"))
                .containsExactly("sessions", "list", "--url", "http://h:1");
        assertThat(GlobalOptions.moveAfterCommand(
                        "--json", "--url=http://h:1", "--api-key", "k", "route", "t", "--capability", "c"))
                .containsExactly("route", "t", "--capability", "c", "--json", "--url=http://h:1", "--api-key", "k");
        assertThat(GlobalOptions.moveAfterCommand("--timeout", "5", "sessions", "send", "s", "--", "-x"))
                .containsExactly("sessions", "send", "s", "--timeout", "5", "--", "-x");
    }

    @Test
    void everythingElseIsLeftAsWritten() {
        assertThat(GlobalOptions.moveAfterCommand("sessions", "list", "--url", "u"))
                .containsExactly("sessions", "list", "--url", "u");
        assertThat(GlobalOptions.moveAfterCommand("--help")).containsExactly("--help");
        assertThat(GlobalOptions.moveAfterCommand("--url", "u"))
                .containsExactly("--url", "u"); // picocli says what is wrong
        assertThat(GlobalOptions.moveAfterCommand("--url")).containsExactly("--url");
        assertThat(GlobalOptions.moveAfterCommand()).isEmpty();
    }
}
