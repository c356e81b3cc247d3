package dev.bosun.util;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a listing. Pass {@code nextCursor} as the {@code after} of the next call while
 * {@code hasMore} is true.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor, boolean hasMore) {
    public Page {
        items = List.copyOf(items);
    }

    /**
     * A page from a query that asked for {@code limit + 1} rows: one row more than the page means
     * there is more, and the cursor is the last item's key.
     */
    public static <T> Page<T> fromRows(List<T> rows, int limit, Function<T, String> key) {
        boolean more = rows.size() > limit;
        List<T> items = more ? rows.subList(0, limit) : rows;
        return new Page<>(items, more ? Optional.of(key.apply(items.get(items.size() - 1))) : Optional.empty(), more);
    }
}
