package dev.bosun.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A task to add to a session, as in holodeck's {@code add_task(task_id, data, priority,
 * required_capabilities)}.
 *
 * <pre>{@code
 * Task t = manager.addTask(sessionId, TaskSpec.builder("compile-code")
 *         .id("compile-1")
 *         .data(Json.object().put("target", "llvm"))
 *         .priority(TaskPriority.HIGH)
 *         .requiredCapabilities("compilation", "llvm")
 *         .build());
 * }</pre>
 *
 * @param id the caller's id, unique within the session; empty to have one generated
 */
public record TaskSpec(
        Optional<String> id,
        String name,
        JsonNode data,
        TaskPriority priority,
        List<String> requiredCapabilities,
        Optional<String> assignedAgent) {
    public TaskSpec {
        requiredCapabilities = List.copyOf(requiredCapabilities);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builder for {@link TaskSpec}. */
    public static final class Builder {
        private final String name;
        private String id;
        private JsonNode data = NullNode.getInstance();
        private TaskPriority priority = TaskPriority.NORMAL;
        private final List<String> caps = new ArrayList<>();
        private String assignedAgent;

        private Builder(String name) {
            this.name = name;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder data(JsonNode data) {
            this.data = data == null ? NullNode.getInstance() : data;
            return this;
        }

        public Builder priority(TaskPriority p) {
            this.priority = p;
            return this;
        }

        public Builder requiredCapabilities(String... caps) {
            return requiredCapabilities(List.of(caps));
        }

        public Builder requiredCapabilities(List<String> caps) {
            this.caps.addAll(caps);
            return this;
        }

        /** Assigns the task to an agent directly, bypassing routing. */
        public Builder assignedAgent(String agent) {
            this.assignedAgent = agent;
            return this;
        }

        public TaskSpec build() {
            return new TaskSpec(
                    Optional.ofNullable(id), name, data, priority, caps, Optional.ofNullable(assignedAgent));
        }
    }
}
