package dev.bosun.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.client.BosunClient;
import dev.bosun.client.EventSubscription;
import dev.bosun.client.FollowOptions;
import dev.bosun.error.BosunException;
import dev.bosun.json.Json;
import dev.bosun.wire.Event;
import dev.bosun.wire.PollResult;
import dev.bosun.wire.WireJson;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bosun sessions send} and {@code bosun sessions events}: the session's event log. Kept apart
 * from {@link SessionsCommand} because reading has two modes (one poll, or following the stream).
 */
final class EventCommands {
    private EventCommands() {}

    @Command(
            name = "send",
            mixinStandardHelpOptions = true,
            description = "Send an event into a session's inbox; prints its seq.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions send sess_01J... --type input --payload '{\"text\":\"hello\"}'",
                "  bosun sessions send sess_01J... --type input --payload-file request.json",
                "  echo '{\"n\":1}' | bosun sessions send sess_01J... --type input --payload -",
                "",
                "Sending to an ended session is a conflict (exit 4)."
            })
    static final class Send implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The session id.")
        String id;

        @Option(names = "--type", required = true, paramLabel = "T", description = "The event type, such as input.")
        String type;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Payload payload;

        static final class Payload {
            @Option(
                    names = "--payload",
                    paramLabel = "JSON",
                    description = "The payload, any JSON; - reads it from standard input.")
            String json;

            @Option(
                    names = "--payload-file",
                    paramLabel = "FILE",
                    description = "Read the payload from FILE (- for standard input).")
            String file;
        }

        @Override
        public Integer call() {
            JsonNode body;
            if (payload.file != null) body = Args.jsonFile("--payload-file", payload.file, System.in);
            else if (payload.json.equals("-")) body = Args.jsonFile("--payload", "-", System.in);
            else body = Args.json("--payload", payload.json);
            try (BosunClient c = client.connect()) {
                long seq = c.send(id, type, body);
                if (client.json) client.printJson(Json.object().put("seq", seq));
                else client.out().println(seq);
                return 0;
            }
        }
    }

    @Command(
            name = "events",
            mixinStandardHelpOptions = true,
            description = "Print a session's events: one page, or --follow them as they happen.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions events sess_01J...",
                "  bosun sessions events sess_01J... --after 7 --wait 20    # wait for news",
                "  bosun sessions events sess_01J... --follow",
                "  bosun sessions events sess_01J... --follow --json | jq -c .payload",
                "",
                "Each line is: seq direction type payload. With --json: the poll result, or",
                "with --follow one event object per line. --follow reconnects by itself, without",
                "a limit, when the connection drops or the server restarts (saying so on stderr),",
                "exits 0 once the session has ended and every event is printed, and 130 on Ctrl-C."
            })
    static final class Events implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The session id.")
        String id;

        @Option(
                names = "--after",
                paramLabel = "N",
                description = "Only events after seq N (default 0: from the start).")
        long after;

        @Option(names = "--limit", paramLabel = "N", description = "At most N events (server default 100).")
        Integer limit;

        @Option(
                names = "--wait",
                paramLabel = "SECONDS",
                description =
                        "If there are none yet, wait up to this long for one (the server caps it; decimals allowed).")
        BigDecimal waitSeconds;

        @Option(names = "--follow", description = "Keep printing events as they happen until the session ends.")
        boolean follow;

        @Override
        public Integer call() {
            if (after < 0) throw BosunException.invalid("--after", "--after may not be negative; got " + after);
            if (follow && (limit != null || waitSeconds != null)) {
                throw BosunException.invalid("--follow", "--follow cannot be combined with --limit or --wait");
            }
            int n = limit == null ? 0 : Args.positive("--limit", limit);
            Duration wait = waitSeconds == null ? Duration.ZERO : Args.seconds("--wait", waitSeconds);
            try (BosunClient c = client.connect()) {
                if (follow) {
                    follow(c);
                    return 0;
                }
                PollResult r = c.poll(id, after, n, wait);
                if (client.json) {
                    client.printJson(r);
                    return 0;
                }
                for (Event e : r.events()) print(e, client.out());
                client.out().flush();
                if (r.hasMore()) client.err().println("more events: add --after " + r.nextCursor());
                return 0;
            }
        }

        /**
         * Prints until the stream ends with the session. Ctrl-C is left to the JVM, which exits 130 after
         * its shutdown hooks; the connection dies with the process, and the server notices the close.
         */
        private void follow(BosunClient c) {
            PrintWriter out = client.out();
            PrintWriter err = client.err();
            FollowOptions options = FollowOptions.defaults().onReconnect(r -> {
                err.println("bosun: the event stream of " + r.sessionId() + " was interrupted (" + r.reason()
                        + "); reconnecting after seq " + r.lastSeq() + " in "
                        + r.delay().toMillis() + " ms");
                err.flush();
            });
            try (EventSubscription events = c.follow(id, after, options)) {
                while (events.hasNext()) {
                    Event e = events.next();
                    if (client.json) out.println(WireJson.write(e));
                    else print(e, out);
                    // Each line as it comes: a reader at the other end of a pipe should not wait for a buffer to fill.
                    out.flush();
                }
            }
        }

        private static void print(Event e, PrintWriter out) {
            out.println(e.seq() + " " + e.direction().wire() + " " + e.eventType() + " " + Json.write(e.payload()));
        }
    }
}
