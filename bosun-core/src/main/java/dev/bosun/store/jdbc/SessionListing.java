package dev.bosun.store.jdbc;

import dev.bosun.session.SessionFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one query that lists sessions, built in one place for both SQL stores: each filter a
 * condition with a bound argument, keyset paging by id in the listing's order (no offset, no count,
 * so a page costs the same on the thousandth page as on the first). The two dialect-specific
 * conditions, a tag among the JSON tags and a part of the name, are given by the store.
 *
 * @param tagCondition  a condition true when the session's tags hold the bound value
 * @param nameCondition a condition true when the session's name contains the bound value
 */
public record SessionListing(String tagCondition, String nameCondition) {

    /** The SQL text and its arguments, in order. */
    public record Query(String sql, List<Object> args) {}

    /** Asks for {@code limit + 1} rows, for {@link dev.bosun.util.Page#fromRows}. */
    public Query query(SessionFilter filter, Optional<String> after, int limit) {
        var sql = new StringBuilder("SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE 1 = 1");
        var args = new ArrayList<Object>();
        filter.tenant().ifPresent(t -> {
            sql.append(" AND tenant = ?");
            args.add(t);
        });
        filter.status().ifPresent(s -> {
            sql.append(" AND status = ?");
            args.add(s.name());
        });
        filter.agentId().ifPresent(a -> {
            sql.append(" AND agent_id = ?");
            args.add(a);
        });
        filter.tag().ifPresent(t -> {
            sql.append(" AND ").append(tagCondition);
            args.add(t);
        });
        filter.profile().ifPresent(p -> {
            sql.append(" AND profile = ?");
            args.add(p);
        });
        filter.outcome().ifPresent(o -> {
            sql.append(" AND outcome = ?");
            args.add(o.name());
        });
        filter.nameContains().ifPresent(n -> {
            sql.append(" AND ").append(nameCondition);
            args.add(n);
        });
        boolean oldest = filter.order() == SessionFilter.Order.OLDEST_FIRST;
        after.ifPresent(a -> {
            sql.append(oldest ? " AND id > ?" : " AND id < ?");
            args.add(a);
        });
        sql.append(oldest ? " ORDER BY id ASC LIMIT ?" : " ORDER BY id DESC LIMIT ?");
        args.add(limit + 1);
        return new Query(sql.toString(), List.copyOf(args));
    }
}
