package dev.bosun.server.cli;

import dev.bosun.server.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bosun} command: {@code serve} runs the server; {@code sessions}, {@code tasks},
 * {@code agents}, {@code route}, {@code fleet}, {@code tiles} and {@code webhooks} are clients of a running server (through the Java
 * SDK); {@code doctor} and {@code keys} are local.
 *
 * <p>Exit codes: 0 success; 1 the server or an operation failed (INTERNAL, UNAVAILABLE); 2 bad usage
 * or INVALID_ARGUMENT; 3 NOT_FOUND; 4 CONFLICT or NO_CAPABLE_AGENT; 5 UNAUTHENTICATED; 6 LIMIT_REACHED or
 * PAYLOAD_TOO_LARGE; 7 SESSIONS_DISABLED; 8 {@code doctor} found a problem.
 */
@Command(
        name = "bosun",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Durable session manager for fleets of AI agents.",
        subcommands = {
            ServeCommand.class,
            SessionsCommand.class,
            TasksCommand.class,
            AgentsCommand.class,
            RouteCommand.class,
            FleetCommand.class,
            TilesCommand.class,
            WebhooksCommand.class,
            DoctorCommand.class,
            KeysCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  bosun serve --data-dir ./bosun-data",
            "  bosun sessions create --name research --agent oracle1 --profile echo",
            "  bosun sessions events sess_01J... --follow",
            "  bosun agents register coder --capability compilation",
            "  bosun route compile-7 --capability compilation",
            "  bosun tiles list --state dead",
            "  bosun webhooks create https://hooks.example.com/bosun --event session_ended",
            "",
            "Exit codes: 0 ok, 1 failure (server unreachable, internal error),",
            "2 bad usage or invalid argument, 3 not found, 4 conflict or no capable agent,",
            "5 unauthenticated, 6 limit reached or payload too large, 7 sessions disabled,",
            "8 doctor found a problem, 130 interrupted (Ctrl-C)."
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(GlobalOptions.moveAfterCommand(args));
    }

    /** The command tree with Bosun's error handling; tests walk it to reach every command. */
    public static CommandLine commandLine() {
        var cli = new CommandLine(new Main());
        // Help as wide as the terminal (at least picocli's 80 columns), so examples stay on one line.
        cli.setUsageHelpAutoWidth(true);
        var failures = new Failures();
        cli.setExecutionExceptionHandler(failures);
        cli.setParameterExceptionHandler(failures);
        cli.setExitCodeExceptionMapper(Failures::exitCode);
        return cli;
    }

    /** The build's version (the same one {@code /healthz} reports) and the JDK running it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bosun " + BuildInfo.version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
