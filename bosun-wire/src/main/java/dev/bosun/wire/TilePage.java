package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A page of tiles; {@code plato} is the PLATO target's health when the server reports it. */
public record TilePage(
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty(value = "plato")
        TargetHealth plato,

        @JsonProperty(value = "items", required = true) List<Tile> items,

        @Nullable @JsonProperty(value = "next_cursor", required = true)
        String nextCursor,

        @JsonProperty(value = "has_more", required = true) boolean hasMore) {}
