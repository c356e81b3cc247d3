package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One page of a listing ({@code GET /v1/sessions}, a subscription's deliveries): the items, the
 * cursor to pass as {@code after} for the next page (null on the last one), and whether there is one.
 */
public record Page<T>(
        @JsonProperty(value = "items", required = true) List<T> items,

        @Nullable @JsonProperty(value = "next_cursor", required = true)
        String nextCursor,

        @JsonProperty(value = "has_more", required = true) boolean hasMore) {}
