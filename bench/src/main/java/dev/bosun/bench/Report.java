package dev.bosun.bench;

import java.util.ArrayList;
import java.util.List;

/** A result block: a title and aligned {@code key: value} lines, printed at once so blocks never interleave. */
final class Report {
    private final String title;
    private final List<String[]> lines = new ArrayList<>();

    Report(String title) {
        this.title = title;
    }

    Report line(String key, Object value) {
        lines.add(new String[] {key, String.valueOf(value)});
        return this;
    }

    /** A line of its own, such as a sub-heading or a verdict. */
    Report text(String text) {
        lines.add(new String[] {null, text});
        return this;
    }

    void print() {
        int width = lines.stream()
                .filter(l -> l[0] != null)
                .mapToInt(l -> l[0].length())
                .max()
                .orElse(0);
        var out = new StringBuilder();
        String head = "=== " + title + " ";
        out.append(head).append("=".repeat(Math.max(3, 78 - head.length()))).append('\n');
        for (String[] l : lines) {
            if (l[0] == null) out.append("  ").append(l[1]).append('\n');
            else
                out.append("  ")
                        .append(l[0])
                        .append(" ".repeat(width - l[0].length()))
                        .append(" : ")
                        .append(l[1])
                        .append('\n');
        }
        out.append("=".repeat(78)).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    static String verdict(boolean met, String target) {
        return (met ? "MET" : "MISSED") + " (target " + target + ")";
    }

    static String rate(double perSecond) {
        return String.format("%,.0f/s", perSecond);
    }

    static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
