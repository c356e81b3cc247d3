package dev.bosun.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {
    @Test
    void parsesAStatLineWhoseCommandContainsSpacesAndParentheses() {
        String line = "4242 (evil ) (name) S 1 4240 4239 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200";

        var stat = ProcFs.parseStat(4242, line).orElseThrow();

        assertThat(stat).isEqualTo(new ProcFs.Stat(4242, 'S', 1, 4240, 4239, 987654));
        assertThat(stat.running()).isTrue();
    }

    @Test
    void treatsAZombieAsExitedAndRejectsGarbage() {
        var zombie = ProcFs.parseStat(7, "7 (sleep) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0")
                .orElseThrow();

        assertThat(zombie.exited()).isTrue();
        assertThat(ProcFs.parseStat(7, "7 (sleep")).isEmpty();
        assertThat(ProcFs.parseStat(7, "7 (sleep) S 1 x")).isEmpty();
    }

    @Test
    void readsThisJvmAndToleratesMissingAndUnreadableEntries(@TempDir Path fakeProc) throws Exception {
        var self = ProcFs.system().stat(ProcessHandle.current().pid()).orElseThrow();
        assertThat(self.running()).isTrue();
        assertThat(ProcFs.system().all()).extracting(ProcFs.Stat::pid).contains(self.pid());

        Files.createDirectories(fakeProc.resolve("12"));
        Files.writeString(fakeProc.resolve("12/stat"), "12 (a) S 1 12 12 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0");
        Files.write(fakeProc.resolve("12/environ"), "A=1\0B=x=y\0junk\0".getBytes());
        Files.createDirectories(fakeProc.resolve("13"));
        Files.createDirectories(fakeProc.resolve("self"));
        var proc = new ProcFs(fakeProc);

        assertThat(proc.all()).extracting(ProcFs.Stat::pid).containsExactly(12L);
        assertThat(proc.environ(12).orElseThrow())
                .containsOnly(java.util.Map.entry("A", "1"), java.util.Map.entry("B", "x=y"));
        assertThat(proc.environ(13)).isEmpty();
        assertThat(proc.stat(99)).isEmpty();
    }
}
