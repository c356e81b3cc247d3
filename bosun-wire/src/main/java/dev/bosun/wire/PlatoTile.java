package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A tile as made for PLATO; its answer is an object whatever {@code answer_format} sends. */
public record PlatoTile(
        @JsonProperty(value = "domain", required = true) String domain,
        @JsonProperty(value = "question", required = true) String question,
        @JsonProperty(value = "answer", required = true) ObjectNode answer,
        @JsonProperty(value = "tags", required = true) List<String> tags,
        @JsonProperty(value = "confidence", required = true) double confidence,
        @JsonProperty(value = "source", required = true) String source) {}
