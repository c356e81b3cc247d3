package dev.bosun.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Json#parse} keeps every value exactly or refuses it naming the rule; {@link JsonLimits} bounds the shape. */
class JsonExactnessTest {

    private static String roundTrip(String text) throws Exception {
        return Json.write(Json.parse(Json.write(Json.parse(text))));
    }

    @Test
    void numbersKeepEveryDigitTheirScaleAndTheSignOfZero() throws Exception {
        assertThat(roundTrip("[1e400,0.1000000000000000055511151231257827,1.10,1.0,-1E-400,12345678901234567890123]"))
                .isEqualTo("[1E+400,0.1000000000000000055511151231257827,1.10,1.0,-1E-400,12345678901234567890123]");
        assertThat(roundTrip("[-0.0,-0,0,-0e5,0.0]")).isEqualTo("[-0.0,-0.0,0,-0.0,0.0]");
        assertThat(roundTrip("[9223372036854775807,-9223372036854775808,2147483648,1]"))
                .isEqualTo("[9223372036854775807,-9223372036854775808,2147483648,1]");
        // the value read back is the very BigDecimal written
        assertThat(Json.parse("1e400").decimalValue()).isEqualTo(new java.math.BigDecimal("1e400"));
        assertThat(Json.parse("0.0000001").decimalValue()).isEqualTo(new java.math.BigDecimal("0.0000001"));
    }

    @Test
    void unicodeEdgesArePreservedAndALoneSurrogateIsRefused() throws Exception {
        String text = "{\"\\u0000k\":\"\\u0000\\u001f\\u2028\\u2029\\ufeff\\uffff\\ud83d\\ude00 é 中 \"}";
        JsonNode n = Json.parse(text);
        assertThat(n.fieldNames().next()).isEqualTo("\u0000k");
        assertThat(n.get("\u0000k").textValue()).isEqualTo("\u0000\u001f\u2028\u2029\ufeff\uffff\ud83d\ude00 é 中 ");
        assertThat(Json.parse(Json.write(n))).isEqualTo(n);

        for (String bad : new String[] {"\"\\ud800\"", "\"x\\udc00\"", "{\"\\ud83d\":1}", "[\"\\ude00\\ud83d\"]"}) {
            assertThatThrownBy(() -> Json.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            JsonRefusal.class, r -> assertThat(r.rule()).isEqualTo(JsonRules.VALID_UNICODE));
        }
        // CESU-style bytes of a lone surrogate, which Jackson would decode to one
        byte[] cesu = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        assertThatThrownBy(() -> Json.parse(cesu))
                .isInstanceOfSatisfying(
                        JsonRefusal.class,
                        r -> assertThat(r.rule()).isIn(JsonRules.VALID_UNICODE, JsonRules.INVALID_JSON));
    }

    @Test
    void aDuplicateKeyIsRefusedWithItsPath() {
        assertThatThrownBy(() -> Json.parse("{\"payload\":{\"a\":[{\"b\":1,\"b\":2}]}}"))
                .isInstanceOfSatisfying(JsonRefusal.class, r -> {
                    assertThat(r.rule()).isEqualTo(JsonRules.DUPLICATE_KEY);
                    assertThat(r.pointer()).isEqualTo("/payload/a/0/b");
                    assertThat(r.topField()).contains("payload");
                    assertThat(r.pointerWithin("payload")).isEqualTo("/a/0/b");
                });
    }

    @Test
    void syntaxErrorsAndTrailingContentAreInvalidJson() {
        for (String bad : new String[] {"", "  ", "{", "[1,]", "{\"a\":1}{}", "NaN", "[Infinity]", "01", "\"\\x\""}) {
            assertThatThrownBy(() -> Json.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            JsonRefusal.class, r -> assertThat(r.rule()).isEqualTo(JsonRules.INVALID_JSON));
        }
    }

    @Test
    void theParserBoundsDepthAndNumberLengthNamingTheRule() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Json.parse(deep))
                .isInstanceOfSatisfying(
                        JsonRefusal.class, r -> assertThat(r.rule()).isEqualTo(JsonRules.MAX_DEPTH));
        String longNumber = "1".repeat(Json.MAX_NUMBER_CHARS + 1);
        assertThatThrownBy(() -> Json.parse("[" + longNumber + "]"))
                .isInstanceOfSatisfying(
                        JsonRefusal.class, r -> assertThat(r.rule()).isEqualTo(JsonRules.MAX_NUMBER_LENGTH));
    }

    @Test
    void whatWasStoredAtTheOldLimitStillReadsAndWritesInsideAnEnvelope() throws Exception {
        // Before max_json_depth a body could be 1000 deep, so a payload 999; answers wrap it a few levels more.
        String legacy = "[".repeat(999) + "]".repeat(999);
        JsonNode payload = Json.parseTrusted(legacy);
        ObjectNode envelope = Json.object();
        envelope.set("items", Json.array(java.util.List.of(Json.object().set("payload", payload))));
        String out = Json.write(envelope);
        assertThat(Json.parse(out).at("/items/0/payload")).isEqualTo(payload);
    }

    @Test
    void limitsNameTheRuleAndThePath() throws Exception {
        JsonLimits limits = new JsonLimits(3, 2, 4);
        assertThat(limits.check(Json.parse("{\"a\":[{\"b\":\"abcd\"}],\"c\":\"é\"}")))
                .isEmpty();

        assertRefused(limits, "{\"a\":[{\"b\":[]}]}", JsonRules.MAX_DEPTH, "/a/0/b");
        assertRefused(limits, "{\"a\":{\"x\":1,\"y\":2,\"z\":3}}", JsonRules.MAX_KEYS, "/a");
        assertRefused(limits, "[\"abcde\"]", JsonRules.MAX_STRING_BYTES, "/0");
        assertRefused(limits, "[\"ééé\"]", JsonRules.MAX_STRING_BYTES, "/0");
        assertRefused(limits, "{\"a/b~\":{\"toolong\":1}}", JsonRules.MAX_STRING_BYTES, "/a~1b~0/toolong");
        assertThat(new JsonLimits(1, 1, 4).check(Json.parse("\"\ud83d\ude00\"")))
                .isEmpty(); // 4 bytes in UTF-8
    }

    @Test
    void valuesBuiltInCodeObeyTheRulesJsonTextCannotBreak() {
        JsonLimits limits = JsonLimits.DEFAULTS;
        ObjectNode o = Json.object();
        o.set("n", DoubleNode.valueOf(Double.NaN));
        assertThat(limits.check(o)).hasValueSatisfying(r -> assertThat(r.rule()).isEqualTo(JsonRules.FINITE_NUMBER));
        o.set("n", DoubleNode.valueOf(Double.POSITIVE_INFINITY));
        assertThat(limits.check(o)).hasValueSatisfying(r -> assertThat(r.rule()).isEqualTo(JsonRules.FINITE_NUMBER));
        o.set("n", TextNode.valueOf("a\ud800"));
        assertThat(limits.check(o)).hasValueSatisfying(r -> {
            assertThat(r.rule()).isEqualTo(JsonRules.VALID_UNICODE);
            assertThat(r.pointer()).isEqualTo("/n");
        });
        o.removeAll().set("k\udc00", TextNode.valueOf("v"));
        assertThat(limits.check(o)).hasValueSatisfying(r -> {
            assertThat(r.rule()).isEqualTo(JsonRules.VALID_UNICODE);
            assertThat(r.pointer()).isEqualTo("/k\uFFFD"); // shown without the lone surrogate itself
        });
        o.removeAll().set("b", BinaryNode.valueOf("x".getBytes(StandardCharsets.UTF_8)));
        assertThat(limits.check(o)).hasValueSatisfying(r -> assertThat(r.rule()).isEqualTo(JsonRules.INVALID_JSON));
        o.removeAll().put("big", new java.math.BigInteger("9".repeat(Json.MAX_NUMBER_CHARS + 1)));
        assertThat(limits.check(o))
                .hasValueSatisfying(r -> assertThat(r.rule()).isEqualTo(JsonRules.MAX_NUMBER_LENGTH));
    }

    @Test
    void anyDepthBuiltInCodeIsCheckedWithoutRecursion() {
        JsonNode deep = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < 200_000; i++)
            deep = JsonNodeFactory.instance.arrayNode().add(deep);
        assertThat(JsonLimits.DEFAULTS.check(deep)).hasValueSatisfying(r -> {
            assertThat(r.rule()).isEqualTo(JsonRules.MAX_DEPTH);
            assertThat(r.limit()).isEqualTo(64);
        });
    }

    private static void assertRefused(JsonLimits limits, String text, String rule, String pointer) throws Exception {
        assertThat(limits.check(Json.parse(text))).as(text).hasValueSatisfying(r -> {
            assertThat(r.rule()).isEqualTo(rule);
            assertThat(r.pointer()).isEqualTo(pointer);
        });
    }
}
