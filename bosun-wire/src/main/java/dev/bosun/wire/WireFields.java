package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON properties of a wire record, read from its components' {@link JsonProperty} annotations:
 * what the server accepts in a request body and what the OpenAPI document is checked against.
 */
public final class WireFields {
    private WireFields() {}

    /** One property: its JSON name, whether it must be present, and the component it is read into. */
    public record Field(String name, boolean required, RecordComponent component) {}

    /** The record's properties in declaration order; a component without {@link JsonProperty} is a defect of the record. */
    public static List<Field> of(Class<? extends Record> type) {
        List<Field> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            // JsonProperty cannot target a record component; Java puts it on the accessor (and field, and parameter).
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            if (p == null)
                throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " has no @JsonProperty");
            out.add(new Field(p.value(), p.required(), c));
        }
        return List.copyOf(out);
    }

    /** The JSON names of the record's properties, in declaration order. */
    public static Set<String> names(Class<? extends Record> type) {
        Set<String> out = new LinkedHashSet<>();
        for (Field f : of(type)) out.add(f.name());
        return Set.copyOf(out);
    }
}
