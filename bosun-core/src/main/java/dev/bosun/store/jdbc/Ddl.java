package dev.bosun.store.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the schema's DDL says differently in SQLite and PostgreSQL: the words a migration template's
 * placeholders stand for (D123). Everything else in a template is the same text for both engines.
 *
 * @param key          {@code ${key}}: the type of an identifier column, compared byte by byte so ordering
 *                     and cursors match in both engines ({@code TEXT}; PostgreSQL {@code TEXT COLLATE "C"})
 * @param bigint       {@code ${bigint}}: a 64-bit integer, times and sequence numbers ({@code INTEGER} in
 *                     SQLite, whose integers are all 64-bit; {@code BIGINT})
 * @param withoutRowid {@code ${without_rowid}}: after a table clustered on its primary key, with its leading
 *                     space ({@code WITHOUT ROWID}; nothing in PostgreSQL, which has no such tables)
 */
public record Ddl(String key, String bigint, String withoutRowid) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

    /** SQLite's words. */
    public static final Ddl SQLITE = new Ddl("TEXT", "INTEGER", " WITHOUT ROWID");

    /** PostgreSQL's words. */
    public static final Ddl POSTGRES = new Ddl("TEXT COLLATE \"C\"", "BIGINT", "");

    /**
     * The template with every placeholder replaced by this engine's words.
     *
     * @throws IllegalStateException on a placeholder it does not know, so a typo fails the first migration
     *                               test rather than reaching a database
     */
    public String render(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        var out = new StringBuilder(template.length());
        while (m.find()) {
            String word = switch (m.group(1)) {
                case "key" -> key;
                case "bigint" -> bigint;
                case "without_rowid" -> withoutRowid;
                default -> throw new IllegalStateException("unknown DDL placeholder " + m.group());
            };
            m.appendReplacement(out, Matcher.quoteReplacement(word));
        }
        m.appendTail(out);
        if (out.indexOf("${") >= 0) throw new IllegalStateException("malformed DDL placeholder in " + template);
        return out.toString();
    }
}
