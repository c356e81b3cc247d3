package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A listing that is never paged: a session's tasks, the agents, the webhook subscriptions. */
public record Items<T>(
        @JsonProperty(value = "items", required = true) List<T> items) {}
