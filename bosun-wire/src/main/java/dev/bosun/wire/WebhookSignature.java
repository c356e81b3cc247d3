package dev.bosun.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on every webhook delivery: {@code Bosun-Signature: v1=<hex>} where hex is
 * HMAC-SHA256, keyed with the subscription's secret, over {@code <Bosun-Timestamp>.<body>}. The
 * timestamp (Unix seconds) is signed with the body so a captured delivery cannot be replayed later.
 *
 * <pre>{@code
 * boolean ok = WebhookSignature.verify(secret, request.header("Bosun-Timestamp"),
 *         request.header("Bosun-Signature"), bodyBytes, Instant.now(), Duration.ofMinutes(5));
 * }</pre>
 */
public final class WebhookSignature {
    public static final String TIMESTAMP_HEADER = "Bosun-Timestamp";
    public static final String SIGNATURE_HEADER = "Bosun-Signature";
    public static final String DELIVERY_HEADER = "Bosun-Delivery";
    public static final String EVENT_HEADER = "Bosun-Event";
    private static final String VERSION = "v1=";

    private WebhookSignature() {}

    /** The {@code Bosun-Signature} header value for a body sent at {@code timestampSeconds}. */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return VERSION + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Whether a delivery is authentic and fresh: the signature matches (compared in constant time)
     * and the timestamp is within {@code tolerance} of {@code now}.
     */
    public static boolean verify(
            String secret,
            String timestampHeader,
            String signatureHeader,
            byte[] body,
            Instant now,
            Duration tolerance) {
        if (timestampHeader == null || signatureHeader == null) return false;
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) return false;
        byte[] expected = sign(secret, ts, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.strip().getBytes(StandardCharsets.US_ASCII));
    }
}
