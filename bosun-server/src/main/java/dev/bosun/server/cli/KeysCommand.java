package dev.bosun.server.cli;

import dev.bosun.error.BosunException;
import dev.bosun.id.Ids;
import dev.bosun.server.auth.ApiKeys;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun keys}: make API keys and the hashed entries the server is configured with. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Create API keys and their api_keys entries.",
        subcommands = {KeysCommand.New.class, KeysCommand.Hash.class},
        footer = {
            "",
            "Examples:",
            "  bosun keys new --tenant team-a",
            "  bosun keys hash --tenant team-a bsn_...",
            "",
            "Only the entry (tenant:sha256) goes into the server's api_keys;",
            "the key goes to the clients."
        })
final class KeysCommand {

    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description =
                    "Generate a random key; prints the key (give it to the client) and the entry (give it to the server).",
            footer = {
                "",
                "Examples:",
                "  bosun keys new --tenant team-a",
                "  # key:   bsn_...        -> BOSUN_API_KEY of team-a's clients",
                "  # entry: team-a:5e88... -> api_keys (or BOSUN_API_KEYS) of the server"
            })
    static final class New implements Callable<Integer> {
        @Option(names = "--tenant", required = true, description = "The tenant the key belongs to.")
        String tenant;

        @Override
        public Integer call() {
            Ids.requireSafe("tenant", tenant);
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String key = "bsn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            System.out.println("key:   " + key);
            System.out.println("entry: " + tenant + ":" + ApiKeys.sha256(key));
            return 0;
        }
    }

    @Command(
            name = "hash",
            mixinStandardHelpOptions = true,
            description = "Print the api_keys entry for an existing key.",
            footer = {
                "",
                "Examples:",
                "  bosun keys hash --tenant team-a bsn_...",
                "  printenv BOSUN_API_KEY | bosun keys hash --tenant team-a   # not in ps"
            })
    static final class Hash implements Callable<Integer> {
        @Option(names = "--tenant", required = true, description = "The tenant the key belongs to.")
        String tenant;

        @Parameters(index = "0", arity = "0..1", description = "The key; read from standard input when absent.")
        String key;

        @Override
        public Integer call() throws Exception {
            Ids.requireSafe("tenant", tenant);
            String k = key != null ? key : new String(System.in.readAllBytes()).strip();
            if (k.isEmpty()) throw BosunException.invalid("key", "no key given");
            System.out.println(tenant + ":" + ApiKeys.sha256(k));
            return 0;
        }
    }
}
