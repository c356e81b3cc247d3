package dev.bosun.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Lets the client options be written before the subcommand as well as after it:
 * {@code bosun --url http://h:7700 sessions list} reads as {@code bosun sessions list --url http://h:7700}.
 *
 * <p>picocli binds an option to the command it follows, and the client options are a mixin of each
 * client command; moving the ones written before the first subcommand to the end of the line is the
 * least machinery that gives people the order they expect from other CLIs (git, kubectl, docker).
 */
final class GlobalOptions {
    /** Options with a value ({@code --url X} or {@code --url=X}) and flags, as {@link ClientOptions} declares them. */
    private static final Set<String> WITH_VALUE = Set.of("--url", "--api-key", "--timeout");

    private static final Set<String> FLAGS = Set.of("--json");

    private GlobalOptions() {}

    static String[] moveAfterCommand(String... args) {
        List<String> moved = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (FLAGS.contains(a) || (WITH_VALUE.contains(name) && a.contains("="))) {
                moved.add(a);
                i++;
            } else if (WITH_VALUE.contains(a) && i + 1 < args.length) {
                moved.add(a);
                moved.add(args[i + 1]);
                i += 2;
            } else {
                break; // the subcommand (or --help, --version, or a stray word picocli will report)
            }
        }
        if (moved.isEmpty() || i == args.length) return args;
        List<String> out = new ArrayList<>(List.of(args).subList(i, args.length));
        int end = out.indexOf("--"); // after "--" everything is a parameter: the options go before it
        out.addAll(end < 0 ? out.size() : end, moved);
        return out.toArray(String[]::new);
    }
}
