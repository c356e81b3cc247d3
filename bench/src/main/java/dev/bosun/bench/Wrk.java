package dev.bosun.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Throughput measured with wrk (Debian's package), a C load generator: on a 2-core machine a JVM
 * load generator spends most of the CPU the server needs, so its figures measure the client.
 */
final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    private Wrk() {}

    static boolean available() {
        try {
            return new ProcessBuilder("wrk", "--version")
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    >= 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** POSTs {@code body} round-robin over {@code paths} of {@code base}; requests per second. */
    static double post(String base, List<String> paths, String body, int connections, Duration d, Path dir)
            throws Exception {
        return post(base, paths, List.of(body), connections, d, dir);
    }

    /**
     * POSTs round-robin over {@code paths} of {@code base}, the i-th request of a wrk thread with the
     * body {@code bodies[i % n]} in which {@code %ID%} is replaced by an id unique in the run
     * (thread and request number); requests per second.
     */
    static double post(String base, List<String> paths, List<String> bodies, int connections, Duration d, Path dir)
            throws Exception {
        var lua = new StringBuilder("local paths = {");
        for (String p : paths) lua.append("[[").append(p).append("]],");
        lua.append("}\nlocal bodies = {");
        for (String b : bodies) lua.append("[[").append(b).append("]],");
        lua.append("}\nlocal threads = 0\n")
                .append("setup = function(thread)\n  thread:set(\"tid\", threads)\n  threads = threads + 1\nend\n")
                .append("local i = 0\n")
                .append("request = function()\n  i = i + 1\n")
                .append("  local body = string.gsub(bodies[(i % #bodies) + 1], \"%%ID%%\", (tid or 0) .. \"-\" .. i)\n")
                .append(
                        "  return wrk.format(\"POST\", paths[(i % #paths) + 1], {[\"Content-Type\"] = \"application/json\"}, body)\nend\n");
        Path script = dir.resolve("post-" + Integer.toHexString(lua.toString().hashCode()) + ".lua");
        Files.writeString(script, lua.toString(), StandardCharsets.UTF_8);
        return run(List.of("-s", script.toString(), base), connections, d);
    }

    static double get(String url, int connections, Duration d) throws Exception {
        return run(List.of(url), connections, d);
    }

    private static double run(List<String> target, int connections, Duration d) throws Exception {
        var cmd = new ArrayList<>(List.of(
                "wrk",
                "-t" + Math.min(2, connections),
                "-c" + connections,
                "-d" + Math.max(1, d.toSeconds()) + "s",
                "--timeout",
                "10s"));
        cmd.addAll(target);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("wrk failed: " + out);
        var bad = NON_2XX.matcher(out);
        if (bad.find() && Long.parseLong(bad.group(1)) > 0) {
            throw new IllegalStateException("wrk saw " + bad.group(1) + " error responses:\n" + out);
        }
        var m = RATE.matcher(out);
        if (!m.find()) throw new IllegalStateException("no Requests/sec in wrk's output:\n" + out);
        return Double.parseDouble(m.group(1));
    }
}
