package dev.bosun.wire;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A property that may be JSON {@code null}. On a required property of an answer it means "always
 * sent, possibly null": a reader accepts it missing too (an older server may not send it yet), while
 * a missing property without this mark is a broken answer. The OpenAPI document's {@code "null"}
 * types are checked against these marks.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Nullable {}
