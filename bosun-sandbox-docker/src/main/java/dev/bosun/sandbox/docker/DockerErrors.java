package dev.bosun.sandbox.docker;

import java.util.regex.Pattern;

/**
 * Docker's error messages, made fit for an API response: host paths (bind sources, the data dir)
 * are replaced, and length is bounded. The full message stays in Bosun's own log.
 */
final class DockerErrors {
    private static final Pattern HOST_PATH = Pattern.compile("(?<![A-Za-z0-9.])/(?:[^\\s\"':,]+)");
    private static final int MAX = 300;

    private DockerErrors() {}

    static String sanitize(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // docker-java prefixes "Status 404: " and wraps the daemon's JSON {"message":"..."}
        m = m.replaceAll("^Status \\d+: ", "").replaceAll("^\\{\"message\":\"(.*)\"}\\s*$", "$1");
        m = HOST_PATH.matcher(m).replaceAll("<host path>").strip();
        return m.length() > MAX ? m.substring(0, MAX) + "…" : m;
    }
}
