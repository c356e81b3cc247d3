package dev.bosun.store.jdbc;

import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.TargetBacklog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TargetBacklog}s in one grouped query, the same SQL on SQLite and PostgreSQL. It reads only
 * the tenant's unfinished deliveries of one kind, through the {@code (tenant, kind, state, id)} index,
 * so its cost follows the backlog, not the delivered history.
 */
public final class BacklogTally {
    private BacklogTally() {}

    /** Arguments: tenant, kind. Columns: target, state, count. */
    public static final String SQL = "SELECT target, state, COUNT(*) FROM deliveries WHERE tenant = ? AND kind = ? "
            + "AND state IN ('PENDING', 'REJECTED', 'DEAD') GROUP BY target, state ORDER BY target";

    /** One row of the query. */
    public record Row(String target, DeliveryState state, long count) {
        public static Row of(ResultSet r) throws SQLException {
            return new Row(r.getString(1), DeliveryState.valueOf(r.getString(2)), r.getLong(3));
        }
    }

    /** The rows folded into one backlog per target, in target order. */
    public static List<TargetBacklog> fold(List<Row> rows) {
        Map<String, TargetBacklog> out = new LinkedHashMap<>();
        for (Row r : rows) {
            TargetBacklog one = switch (r.state()) {
                case PENDING -> new TargetBacklog(r.target(), r.count(), 0, 0);
                case REJECTED -> new TargetBacklog(r.target(), 0, r.count(), 0);
                case DEAD -> new TargetBacklog(r.target(), 0, 0, r.count());
                default -> new TargetBacklog(r.target(), 0, 0, 0);
            };
            out.merge(r.target(), one, TargetBacklog::plus);
        }
        return new ArrayList<>(out.values());
    }
}
