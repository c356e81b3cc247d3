package dev.bosun.store.postgres;

import dev.bosun.error.BosunException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A store URL, {@code postgresql://user[:password]@host[:port]/database[?schema=name&...]}, taken
 * apart into what pgjdbc wants. {@code schema} (default {@code public}) is Bosun's: the tables live
 * there, so several Bosun clusters (or test runs) can share one database. Other parameters
 * ({@code sslmode}, {@code connectTimeout}, ...) go to the driver as they are.
 *
 * <p>{@link #toString()} and every error leave the password out.
 *
 * @param host     host name or address
 * @param port     TCP port (5432 when not given)
 * @param database database name
 * @param user     role to connect as
 * @param password password, empty for trust or peer authentication
 * @param schema   the schema holding Bosun's tables
 * @param params   extra driver parameters
 */
public record PgUrl(
        String host,
        int port,
        String database,
        String user,
        String password,
        String schema,
        Map<String, String> params) {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,49}");
    static final String RULE = "postgresql://user[:password]@host[:port]/database[?schema=name]";

    public PgUrl {
        params = Map.copyOf(params);
        if (!SCHEMA.matcher(schema).matches()) {
            throw BosunException.invalid(
                    "store_url",
                    "schema '" + schema + "' is not 1 to 50 of a-z, 0-9 and _, " + "starting with a letter or _");
        }
    }

    /** Whether {@code url} names PostgreSQL (and so selects this store). */
    public static boolean isPostgres(String url) {
        return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }

    /** Parses a store URL; INVALID_ARGUMENT naming {@code store_url} when it is not one. */
    public static PgUrl parse(String url) {
        if (!isPostgres(url)) {
            throw BosunException.invalid("store_url", "store_url must look like " + RULE);
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw BosunException.invalid(
                    "store_url", "store_url is not a valid URL (" + e.getReason() + "); allowed " + RULE);
        }
        if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
            throw BosunException.invalid("store_url", "store_url needs a host and a database; allowed " + RULE);
        }
        String user = "postgres", password = "";
        if (u.getRawUserInfo() != null) {
            String info = u.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        var params = new LinkedHashMap<String, String>();
        String schema = "public";
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (k.equals("schema")) schema = v;
                else params.put(k, v);
            }
        }
        return new PgUrl(
                u.getHost(),
                u.getPort() < 0 ? 5432 : u.getPort(),
                u.getPath().substring(1),
                user,
                password,
                schema,
                params);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The same database with another schema (tests use one schema per run). */
    public PgUrl withSchema(String other) {
        return new PgUrl(host, port, database, user, password, other, params);
    }

    /** The JDBC URL, searching {@link #schema} first. */
    public String jdbcUrl() {
        var sb = new StringBuilder("jdbc:postgresql://")
                .append(host.contains(":") ? "[" + host + "]" : host)
                .append(':')
                .append(port)
                .append('/')
                .append(database)
                .append("?currentSchema=")
                .append(schema);
        return sb.toString();
    }

    /** Driver properties: the credentials and the extra parameters. */
    public Properties properties(String applicationName) {
        var p = new Properties();
        p.setProperty("user", user);
        if (!password.isEmpty()) p.setProperty("password", password);
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("tcpKeepAlive", "true");
        p.putAll(params);
        return p;
    }

    /** The URL to hand to another process ({@code BOSUN_STORE_URL}): with the password, so never log it. */
    public String connectionString() {
        var sb = new StringBuilder("postgresql://").append(java.net.URLEncoder.encode(user, StandardCharsets.UTF_8));
        if (!password.isEmpty()) sb.append(':').append(java.net.URLEncoder.encode(password, StandardCharsets.UTF_8));
        sb.append('@')
                .append(host.contains(":") ? "[" + host + "]" : host)
                .append(':')
                .append(port)
                .append('/')
                .append(database)
                .append("?schema=")
                .append(schema);
        params.forEach((k, v) -> sb.append('&')
                .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    /** Where it points, without the password: for logs and error messages. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database + "?schema=" + schema;
    }
}
