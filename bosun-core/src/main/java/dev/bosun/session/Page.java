package dev.bosun.session;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing. Pass {@code nextCursor} as the {@code after} of the next call while
 * {@code hasMore} is true.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor, boolean hasMore) {
    public Page {
        items = List.copyOf(items);
    }
}
