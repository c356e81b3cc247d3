package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The body of {@code POST /v1/sessions/{id}/tasks}; {@code task_id} is generated when null. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AddTask(
        @Nullable @JsonProperty(value = "task_id") String taskId,
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "data") JsonNode data,
        @Nullable @JsonProperty(value = "priority") TaskPriority priority,

        @Nullable @JsonProperty(value = "required_capabilities")
        List<String> requiredCapabilities) {

    /** Only the required fields; the rest left to the server. */
    public static AddTask of(String name) {
        return new AddTask(null, name, null, null, null);
    }
}
