package dev.bosun.json;

/**
 * The names of the rules a JSON value can break, as they appear in {@code details.rule} of a 400
 * and in the error event of a refused outbox file (docs/API.md, "JSON values").
 */
public final class JsonRules {
    private JsonRules() {}

    /** Not JSON text at all (syntax), or a node that has no JSON form (binary, a Java object). */
    public static final String INVALID_JSON = "invalid_json";
    /** An object names the same key twice: which one to keep would be a silent choice. */
    public static final String DUPLICATE_KEY = "duplicate_key";
    /** A string or key holds a lone UTF-16 surrogate, which has no UTF-8 form and cannot be stored. */
    public static final String VALID_UNICODE = "valid_unicode";
    /** Arrays and objects nested deeper than {@code max_json_depth}. */
    public static final String MAX_DEPTH = "max_json_depth";
    /** An object with more keys than {@code max_json_keys}. */
    public static final String MAX_KEYS = "max_json_keys";
    /** A string or key longer than {@code max_json_string_bytes} in UTF-8. */
    public static final String MAX_STRING_BYTES = "max_json_string_bytes";
    /** A number written with more than {@value Json#MAX_NUMBER_CHARS} characters. */
    public static final String MAX_NUMBER_LENGTH = "max_json_number_length";
    /** NaN or an infinity (library callers only: JSON text cannot write them). */
    public static final String FINITE_NUMBER = "finite_number";
}
