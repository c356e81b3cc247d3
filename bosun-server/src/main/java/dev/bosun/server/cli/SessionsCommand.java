package dev.bosun.server.cli;

import static dev.bosun.server.cli.Table.col;

import dev.bosun.client.BosunClient;
import dev.bosun.client.SessionFilter;
import dev.bosun.json.Json;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.Page;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.SessionStatus;
import dev.bosun.wire.TaskCounts;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun sessions}: sessions on a running server, through the Java SDK. */
@Command(
        name = "sessions",
        mixinStandardHelpOptions = true,
        description = "List, create, inspect and end sessions on a running Bosun server.",
        subcommands = {
            SessionsCommand.ListSessions.class,
            SessionsCommand.Show.class,
            SessionsCommand.Create.class,
            EventCommands.Send.class,
            EventCommands.Events.class,
            SessionsCommand.End.class,
            SessionsCommand.Terminate.class
        },
        footer = {
            "",
            "Examples:",
            "  bosun sessions create --name research --agent oracle1 --profile echo",
            "  bosun sessions list --status running",
            "  bosun sessions events sess_01J... --follow",
            "",
            "The server is --url, else $BOSUN_URL, else " + ClientOptions.DEFAULT_URL + ";",
            "the API key is --api-key, else $BOSUN_API_KEY."
        })
final class SessionsCommand {

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List sessions, one page at a time.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions list",
                "  bosun sessions list --status ended --agent oracle1 --limit 10",
                "  bosun sessions list --after sess_01J...     # the next page",
                "  bosun sessions list --json | jq -r '.items[].session_id'"
            })
    static final class ListSessions implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(
                names = "--status",
                paramLabel = "S",
                description = "Only sessions in this status: creating, running, ended.")
        String status;

        @Option(names = "--agent", paramLabel = "A", description = "Only sessions of this agent id.")
        String agent;

        @Option(names = "--tag", paramLabel = "T", description = "Only sessions with this tag.")
        String tag;

        @Mixin
        PageOptions paging;

        @Override
        public Integer call() {
            SessionFilter f = SessionFilter.ALL;
            if (status != null) f = f.withStatus(Args.choice(SessionStatus.class, "--status", status));
            if (agent != null) f = f.withAgentId(agent);
            if (tag != null) f = f.withTag(tag);
            int n = paging.limit();
            try (BosunClient c = client.connect()) {
                Page<Session> page = c.listSessions(f, paging.after(), n);
                if (client.json) {
                    client.printJson(page);
                    return 0;
                }
                Table t = new Table(
                        col("id", 0),
                        col("status", 0),
                        col("agent", 20),
                        col("name", 32),
                        col("tasks", 0),
                        col("outcome/reason", 0),
                        col("created", 0));
                for (Session s : page.items()) {
                    t.row(
                            s.sessionId(),
                            s.status().wire(),
                            s.agentId(),
                            s.name(),
                            tasks(s.tasks()),
                            ending(s),
                            Table.time(s.createdAt()));
                }
                t.print(client.out());
                PageOptions.hint(client, "sessions", page);
                return 0;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one session.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions show sess_01J...",
                "  bosun sessions show sess_01J... --json | jq .status"
            })
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The session id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Session s = c.getSession(id);
                if (client.json) client.printJson(s);
                else describe(s, client.out());
                return 0;
            }
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a session; prints its id.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions create --name research --agent oracle1 --profile echo --tag h1",
                "  bosun sessions create --name nightly --agent ci --ttl 3600 \\",
                "      --metadata '{\"build\":42}'",
                "  id=$(bosun sessions create --name job --agent me)",
                "",
                "Without --profile the session has no worker: it only keeps events and tasks.",
                "Unset timeouts and caps take the server's defaults."
            })
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--name", required = true, paramLabel = "N", description = "The session's name.")
        String name;

        @Option(names = "--agent", required = true, paramLabel = "A", description = "The agent id that owns it.")
        String agent;

        @Option(names = "--tag", paramLabel = "T", description = "A tag; repeat for more.")
        List<String> tags = new ArrayList<>();

        @Option(names = "--profile", paramLabel = "P", description = "The worker profile to start (none: no worker).")
        String profile;

        @Option(names = "--metadata", paramLabel = "JSON", description = "A JSON object kept with the session.")
        String metadata;

        @Option(
                names = "--idle-timeout",
                paramLabel = "SECONDS",
                description = "End the session after this long without activity.")
        Long idleTimeout;

        @Option(
                names = "--ttl",
                paramLabel = "SECONDS",
                description = "End the session this long after it was created.")
        Long ttl;

        @Option(names = "--max-tasks", paramLabel = "N", description = "At most this many tasks.")
        Integer maxTasks;

        @Option(
                names = "--task-timeout",
                paramLabel = "SECONDS",
                description = "A task still running after this long times out.")
        Long taskTimeout;

        @Option(
                names = "--scout-room",
                paramLabel = "R",
                description = "The PLATO room its tiles go to (default: the server's scout_room).")
        String scoutRoom;

        @Option(
                names = "--emit-tiles",
                negatable = true,
                description =
                        "Send its tiles to PLATO, or with --no-emit-tiles keep them local (default: the server's emit_tiles).")
        Boolean emitTiles;

        @Override
        public Integer call() {
            CreateSession b = CreateSession.of(name, agent)
                    .withTags(tags.isEmpty() ? null : tags)
                    .withProfile(profile)
                    .withScoutRoom(scoutRoom)
                    .withEmitTiles(emitTiles)
                    .withMaxTasks(maxTasks);
            if (metadata != null) b = b.withMetadata(Args.jsonObject("--metadata", metadata));
            if (idleTimeout != null)
                b = b.withIdleTimeoutSeconds(
                        Args.wholeSeconds("--idle-timeout", idleTimeout).toSeconds());
            if (ttl != null)
                b = b.withTtlSeconds(Args.wholeSeconds("--ttl", ttl).toSeconds());
            if (taskTimeout != null)
                b = b.withTaskTimeoutSeconds(
                        Args.wholeSeconds("--task-timeout", taskTimeout).toSeconds());
            try (BosunClient c = client.connect()) {
                Session s = c.createSession(b);
                if (client.json) client.printJson(s);
                else client.out().println(s.sessionId());
                return 0;
            }
        }
    }

    @Command(
            name = "end",
            mixinStandardHelpOptions = true,
            description = "End a session with an outcome, as its agent does when the work is done.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions end sess_01J... --outcome success",
                "  bosun sessions end sess_01J... --outcome failed --error 'tests did not pass'",
                "",
                "Ending a session that has already ended is a conflict (exit 4)."
            })
    static final class End implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The session id.")
        String id;

        @Option(
                names = "--outcome",
                required = true,
                paramLabel = "O",
                description = "success, failed, timeout or cancelled.")
        String outcome;

        @Option(names = "--error", paramLabel = "E", description = "What went wrong, recorded on the session.")
        String error;

        @Override
        public Integer call() {
            SessionOutcome o = Args.choice(SessionOutcome.class, "--outcome", outcome);
            try (BosunClient c = client.connect()) {
                Session s = c.endSession(id, o, Optional.ofNullable(error));
                if (client.json) client.printJson(s);
                else client.out().println(s.sessionId() + " " + s.status().wire() + ": " + ending(s));
                return 0;
            }
        }
    }

    @Command(
            name = "terminate",
            mixinStandardHelpOptions = true,
            description = "Stop a session and its worker; it ends as cancelled.",
            footer = {
                "",
                "Examples:",
                "  bosun sessions terminate sess_01J...",
                "  bosun sessions terminate sess_01J... --reason 'operator: runaway'",
                "",
                "Terminating an ended session changes nothing and succeeds."
            })
    static final class Terminate implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The session id.")
        String id;

        @Option(names = "--reason", paramLabel = "R", description = "Why, recorded on the session.")
        String reason;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Session s = c.terminate(id, reason);
                if (client.json) client.printJson(s);
                else client.out().println(s.sessionId() + " " + s.status().wire() + ": " + ending(s));
                return 0;
            }
        }
    }

    static String tasks(TaskCounts c) {
        return c.running() == 0 ? Integer.toString(c.total()) : c.total() + " (" + c.running() + " running)";
    }

    /** {@code outcome/reason} of an ended session, such as {@code cancelled/terminated}; "-" while it lives. */
    static String ending(Session s) {
        if (s.outcome() == null) return "-";
        return s.outcome().wire() + (s.reason() == null ? "" : "/" + s.reason().wire());
    }

    /** One field a line, for a person; nothing is cut, since this is the place to see all of it. */
    static void describe(Session s, PrintWriter out) {
        TaskCounts c = s.tasks();
        String[][] fields = {
            {"id", s.sessionId()},
            {"name", s.name()},
            {"agent", s.agentId()},
            {"status", s.status().wire()},
            {"outcome", s.outcome() == null ? "-" : s.outcome().wire()},
            {"reason", s.reason() == null ? "-" : s.reason().wire()},
            {"error", orDash(s.error())},
            {"exit code", orDash(s.exitCode())},
            {"profile", orDash(s.profile())},
            {"tags", s.tags().isEmpty() ? "-" : String.join(", ", s.tags())},
            {"metadata", Json.write(s.metadata())},
            {"created", Table.time(s.createdAt())},
            {"started", Table.time(s.startedAt())},
            {"ended", Table.time(s.endedAt())},
            {"last activity", Table.time(s.lastActivityAt())},
            {"expires", Table.time(s.expiresAt())},
            {"idle timeout", s.idleTimeoutSeconds() + " s"},
            {"ttl", s.ttlSeconds() + " s"},
            {"task timeout", s.taskTimeoutSeconds() + " s"},
            {"max tasks", Integer.toString(s.maxTasks())},
            {
                "tasks",
                c.total() + " total, " + c.running() + " running, " + c.succeeded() + " succeeded, " + c.failed()
                        + " failed, " + c.cancelled() + " cancelled, " + c.timeout() + " timed out"
            },
            {"last seq", Long.toString(s.lastSeq())},
            {"workspace", orDash(s.workspace())},
            {"scout room", s.scoutRoom() == null ? "- (the server's)" : s.scoutRoom()},
            {"emit tiles", s.emitTiles() == null ? "- (the server's)" : String.valueOf(s.emitTiles())},
            {"patterns", s.patterns().isEmpty() ? "-" : String.join(", ", s.patterns())},
        };
        for (String[] f : fields) out.printf("%-14s %s%n", f[0], f[1]);
        out.flush();
    }

    /** A value the server sent as null shown as "-". */
    static String orDash(Object v) {
        return v == null ? "-" : v.toString();
    }
}
