package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.FaultLedger;
import dev.bosun.json.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Random exotic JSON (numbers of any length, scale and exponent, negative zero, escapes, control
 * characters, astral characters raw and as surrogate-pair escapes, odd keys, random white space)
 * sent through the HTTP API and read back by poll, SSE and the task answers, compared with what the
 * generator meant (a model built alongside the text, so a parser that lost something on both sides
 * would still be caught). The seed is printed; {@code -Dbosun.seed=N} replays a run.
 */
@Tag("faults")
class PayloadRoundTripRandomTest extends ServerHarness {
    private static final int DOCUMENTS = 150;

    /** The generator's idea of a value: Map, List, String, BigInteger, BigDecimal, NEG_ZERO, Boolean or NULL. */
    private static final Object NULL = new Object();

    private static final Object NEG_ZERO = new Object();

    record Doc(String text, Object model) {}

    @Test
    void randomExoticJsonReadsBackAsGeneratedThroughPollSseAndTasks() throws Exception {
        long seed = Long.getLong("bosun.seed", 20261202L);
        System.out.println("PayloadRoundTripRandomTest seed " + seed + " (replay with -Dbosun.seed=" + seed + ")");
        Random rnd = new Random(seed);
        start();
        String id = createSession("{\"name\":\"rt\",\"agent_id\":\"a\"}");
        List<Doc> docs = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            Doc d = new Gen(rnd).doc();
            docs.add(d);
            Res r = post("/v1/sessions/" + id + "/events", "{\"event_type\":\"rt\",\"payload\":" + d.text() + "}");
            FaultLedger.inputs(1);
            assertThat(r.status())
                    .as("seed %d doc %d: %s -> %s", seed, i, d.text(), r.text())
                    .isEqualTo(202);
            seqs.add(r.json().get("seq").asLong());
        }
        long first = seqs.get(0);
        List<JsonNode> polled = new ArrayList<>();
        for (long after = first - 1; polled.size() < DOCUMENTS; ) {
            Res r = get("/v1/sessions/" + id + "/events?after=" + after + "&limit=100");
            for (JsonNode e : r.json().get("events")) polled.add(e.get("payload"));
            after = r.json().get("next_cursor").asLong();
        }
        List<JsonNode> streamed = sse(id, first - 1, DOCUMENTS);
        for (int i = 0; i < DOCUMENTS; i++) {
            Doc d = docs.get(i);
            String as = "seed " + seed + " doc " + i + ": " + d.text();
            same(as + " (poll)", d.model(), polled.get(i), "");
            same(as + " (sse)", d.model(), streamed.get(i), "");
        }
        // task data and result: the same values through the task answers
        for (int i = 0; i < 20; i++) {
            Doc d = docs.get(i);
            String as = "seed " + seed + " task " + i + ": " + d.text();
            Res added = post(
                    "/v1/sessions/" + id + "/tasks",
                    "{\"task_id\":\"t" + i + "\",\"name\":\"t\",\"data\":" + d.text() + "}");
            assertThat(added.status()).as(as).isEqualTo(201);
            Res done = post(
                    "/v1/sessions/" + id + "/tasks/t" + i + "/complete",
                    "{\"outcome\":\"success\",\"result\":" + d.text() + "}");
            FaultLedger.inputs(2); // as task data and as result
            assertThat(done.status()).as(as).isEqualTo(200);
            Res got = get("/v1/sessions/" + id + "/tasks/t" + i);
            same(as + " (data)", d.model(), got.json().get("data"), "");
            same(as + " (result)", d.model(), got.json().get("result"), "");
        }
    }

    /** {@code n} event payloads from the SSE stream after {@code after}. */
    private List<JsonNode> sse(String id, long after, int n) throws Exception {
        var req = HttpRequest.newBuilder(
                        URI.create(server.url() + "/v1/sessions/" + id + "/events/stream?after=" + after))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        var out = new ArrayList<JsonNode>();
        try (var in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; out.size() < n && (line = in.readLine()) != null; ) {
                if (line.startsWith("data: "))
                    out.add(Json.parse(line.substring(6)).get("payload"));
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }

    /** Compares a read-back node with the model: same types, same key order, numbers equal in value and scale. */
    private static void same(String as, Object model, JsonNode node, String at) {
        String where = as + " at '" + at + "'";
        if (model == NULL) {
            assertThat(node.isNull()).as(where).isTrue();
        } else if (model == NEG_ZERO) {
            assertThat(node.isDouble()
                            && Double.doubleToRawLongBits(node.doubleValue()) == Double.doubleToRawLongBits(-0.0))
                    .as(where + ": negative zero, got " + node)
                    .isTrue();
        } else if (model instanceof Boolean b) {
            assertThat(node.isBoolean() && node.booleanValue() == b).as(where).isTrue();
        } else if (model instanceof String s) {
            assertThat(node.isTextual()).as(where).isTrue();
            assertThat(node.textValue()).as(where).isEqualTo(s);
        } else if (model instanceof BigInteger i) {
            assertThat(node.isIntegralNumber()).as(where + ": " + node).isTrue();
            assertThat(node.bigIntegerValue()).as(where).isEqualTo(i);
        } else if (model instanceof BigDecimal d) {
            assertThat(node.isBigDecimal()).as(where + ": " + node).isTrue();
            assertThat(node.decimalValue()).as(where).isEqualTo(d); // equals: value and scale
        } else if (model instanceof List<?> l) {
            assertThat(node.isArray()).as(where).isTrue();
            assertThat(node.size()).as(where).isEqualTo(l.size());
            for (int i = 0; i < l.size(); i++) same(as, l.get(i), node.get(i), at + "/" + i);
        } else if (model instanceof Map<?, ?> m) {
            assertThat(node.isObject()).as(where).isTrue();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            assertThat(names)
                    .as(where + " keys in order")
                    .containsExactlyElementsOf(
                            m.keySet().stream().map(k -> (String) k).toList());
            for (Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                same(as, e.getValue(), node.get((String) e.getKey()), at + "/" + e.getKey());
            }
        } else {
            throw new IllegalStateException("unknown model " + model);
        }
    }

    /** Writes random JSON text and, alongside, the value it means. */
    private static final class Gen {
        private final Random rnd;
        private final StringBuilder out = new StringBuilder();

        Gen(Random rnd) {
            this.rnd = rnd;
        }

        Doc doc() {
            ws();
            Object m = value(0);
            ws();
            return new Doc(out.toString(), m);
        }

        private void ws() {
            if (rnd.nextInt(4) == 0) out.append(" \t\n\r".charAt(rnd.nextInt(4)));
        }

        private Object value(int depth) {
            int k = rnd.nextInt(depth < 6 ? 10 : 7);
            return switch (k) {
                case 0, 1 -> string();
                case 2, 3 -> number();
                case 4 -> {
                    out.append("true");
                    yield Boolean.TRUE;
                }
                case 5 -> {
                    boolean f = rnd.nextBoolean();
                    out.append(f ? "false" : "null");
                    yield f ? Boolean.FALSE : NULL;
                }
                case 6 -> number();
                case 7 -> array(depth);
                default -> object(depth);
            };
        }

        private Object array(int depth) {
            out.append('[');
            var l = new ArrayList<>();
            int n = rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) out.append(',');
                ws();
                l.add(value(depth + 1));
                ws();
            }
            out.append(']');
            return l;
        }

        private Object object(int depth) {
            out.append('{');
            var m = new LinkedHashMap<String, Object>();
            int n = rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) out.append(',');
                ws();
                int mark = out.length();
                String key = string();
                while (m.containsKey(key)) { // unique keys: duplicates are refused, not generated here
                    out.setLength(mark);
                    key = string();
                }
                ws();
                out.append(':');
                ws();
                m.put(key, value(depth + 1));
                ws();
            }
            out.append('}');
            return m;
        }

        private String string() {
            out.append('"');
            var s = new StringBuilder();
            int n = rnd.nextInt(12);
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(10);
                switch (kind) {
                    case 0 -> { // a control character, escaped as \\u00XX
                        char c = (char) rnd.nextInt(0x20);
                        s.append(c);
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    case 1 -> { // a short escape
                        int e = rnd.nextInt(8);
                        s.append("\"\\/\b\f\n\r\t".charAt(e));
                        out.append('\\').append("\"\\/bfnrt".charAt(e));
                    }
                    case 2 -> { // an astral character, raw or as a surrogate-pair escape
                        int cp = 0x10000 + rnd.nextInt(0x10FFFF - 0x10000 + 1);
                        s.appendCodePoint(cp);
                        if (rnd.nextBoolean()) out.appendCodePoint(cp);
                        else for (char c : Character.toChars(cp)) out.append(String.format("\\u%04X", (int) c));
                    }
                    case 3 -> { // a BMP character outside the surrogates, raw or escaped
                        char c = bmp();
                        s.append(c);
                        if (rnd.nextBoolean() && c != '"' && c != '\\' && c >= 0x20) out.append(c);
                        else out.append(String.format("\\u%04x", (int) c));
                    }
                    case 4 -> {
                        String special = new String[] {
                                    "\u2028", "\u2029", "\uFEFF", "\uFFFF", "\uFFFE", "\u007F", "\u0085", "e\u0301"
                                }
                                [rnd.nextInt(8)];
                        s.append(special);
                        out.append(special);
                    }
                    default -> {
                        char c = (char) ('a' + rnd.nextInt(26));
                        s.append(c);
                        out.append(c);
                    }
                }
            }
            out.append('"');
            return s.toString();
        }

        private char bmp() {
            while (true) {
                char c = (char) rnd.nextInt(0x10000);
                if (!Character.isSurrogate(c)) return c;
            }
        }

        private Object number() {
            boolean neg = rnd.nextInt(3) == 0;
            String intPart =
                    rnd.nextInt(4) == 0 ? "0" : (char) ('1' + rnd.nextInt(9)) + digits(rnd.nextInt(4) == 0 ? 60 : 8);
            String frac = rnd.nextInt(3) == 0
                    ? null
                    : (char) ('0' + rnd.nextInt(10))
                            + digits(rnd.nextInt(4) == 0 ? 60 : 6)
                            + (rnd.nextBoolean() ? "0" : "");
            String exp = null;
            if (rnd.nextInt(3) == 0) {
                exp = (rnd.nextBoolean() ? "e" : "E")
                        + new String[] {"", "+", "-"}[rnd.nextInt(3)]
                        + (rnd.nextInt(5) == 0
                                ? Integer.toString(300 + rnd.nextInt(200))
                                : Integer.toString(rnd.nextInt(30)));
            }
            String text = (neg ? "-" : "") + intPart + (frac == null ? "" : "." + frac) + (exp == null ? "" : exp);
            out.append(text);
            BigDecimal v = new BigDecimal(text);
            boolean integer = frac == null && exp == null;
            if (v.signum() == 0 && neg) return NEG_ZERO;
            return integer ? v.toBigIntegerExact() : v;
        }

        private String digits(int max) {
            int n = rnd.nextInt(max + 1);
            var b = new StringBuilder();
            for (int i = 0; i < n; i++) b.append((char) ('0' + rnd.nextInt(10)));
            return b.toString();
        }
    }
}
