package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to send and emit: the event's sequence number. */
public record SeqResponse(
        @JsonProperty(value = "seq", required = true) long seq) {}
