package dev.bosun.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.client.BosunClient;
import dev.bosun.error.BosunException;
import dev.bosun.json.Json;
import dev.bosun.wire.WireJson;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every client command shares (a picocli mixin), and the client and output they lead to. */
final class ClientOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:7700";

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = {"The server (default: $BOSUN_URL, else", "  " + DEFAULT_URL + ")."})
    String url;

    // Not given a picocli default from the environment: --help would then print the key.
    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "API key (default: $BOSUN_API_KEY, which unlike an argument is not shown by ps).")
    String apiKey;

    @Option(names = "--json", description = "Print the server's JSON instead of text.")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "How long to wait to connect and for each answer (default 30; decimals allowed).")
    BigDecimal timeout = BigDecimal.valueOf(30);

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** A client for the chosen server. A URL that is not one is a usage error, not a failure to connect. */
    BosunClient connect() {
        String u = url != null ? url : env("BOSUN_URL", DEFAULT_URL);
        String key = apiKey != null ? apiKey : env("BOSUN_API_KEY", null);
        Duration t = Args.seconds("--timeout", timeout);
        if (t.isZero()) throw BosunException.invalid("--timeout", "--timeout must be more than 0 seconds");
        try {
            return BosunClient.builder(URI.create(u)).apiKey(key).timeout(t).build();
        } catch (IllegalArgumentException e) {
            throw BosunException.invalid("--url", "--url '" + u + "' is not an http:// or https:// URL with a host");
        }
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    /** The server's JSON with {@code --json}, else what {@code forPeople} prints. */
    void print(JsonNode node, Runnable forPeople) {
        if (json) printJson(node);
        else forPeople.run();
    }

    /** One line for a person, flushed (picocli's writer is not autoflushed). */
    void println(String line) {
        PrintWriter o = out();
        o.println(line);
        o.flush();
    }

    /**
     * A wire record as the server sent it, for {@code --json}: one JSON document on one line (so that
     * scripts can read a stream of them line by line), written by the mapper the server writes it with.
     */
    void printJson(Record wire) {
        PrintWriter o = out();
        o.println(WireJson.write(wire));
        o.flush();
    }

    /** One JSON document on one line. */
    void printJson(JsonNode node) {
        PrintWriter o = out();
        o.println(Json.write(node));
        o.flush();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
