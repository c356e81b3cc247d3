package dev.bosun.server.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain aligned text for people: no colours (output is often piped or logged), one row per line,
 * long cells cut with {@code …} so that a long name cannot push the other columns off the screen.
 */
final class Table {
    /** A column: its header and the widest a cell may be before it is cut (0 for never). */
    record Column(String header, int max) {}

    private final List<Column> columns;
    private final List<String[]> rows = new ArrayList<>();

    Table(Column... columns) {
        this.columns = List.of(columns);
    }

    static Column col(String header, int max) {
        return new Column(header, max);
    }

    Table row(String... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(
                    "a row of " + cells.length + " cells for " + columns.size() + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++)
            r[i] = fit(cells[i], columns.get(i).max());
        rows.add(r);
        return this;
    }

    void print(PrintWriter out) {
        int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) width[i] = length(columns.get(i).header());
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], length(r[i]));
        out.println(line(
                columns.stream()
                        .map(c -> c.header().toUpperCase(java.util.Locale.ROOT))
                        .toArray(String[]::new),
                width));
        for (String[] r : rows) out.println(line(r, width));
        out.flush();
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            b.append(cells[i]);
            // No padding after the last cell: trailing spaces only get in the way of grep and diff.
            if (i < cells.length - 1) b.append(" ".repeat(width[i] - length(cells[i]) + 2));
        }
        return b.toString();
    }

    /** The cell as one line, cut to {@code max} characters with an ellipsis. */
    static String fit(String cell, int max) {
        String s = cell == null || cell.isEmpty() ? "-" : cell.replaceAll("[\\r\\n\\t]+", " ");
        if (max <= 0 || length(s) <= max) return s;
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** One object as {@code name value} lines, the values in one column; a value is never cut. */
    static void fields(PrintWriter out, String[][] fields) {
        for (String[] f : fields) out.printf("%-14s %s%n", f[0], f[1] == null || f[1].isEmpty() ? "-" : f[1]);
        out.flush();
    }

    /** Times to the second, in UTC: the API's own format, shortened to what a person reads. */
    /** To the second; "-" for a time the server sent as null. */
    static String time(Instant t) {
        if (t == null) return "-";
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String time(Optional<Instant> t) {
        return t.map(Table::time).orElse("-");
    }
}
