package dev.bosun.delivery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to an address that was already resolved and checked, never to whatever the name
 * resolves to by the time the connection is made: {@code java.net.http} resolves by itself and has no
 * resolver hook short of the JVM-wide one (docs/DECISIONS.md D50). For {@code https} the TLS session
 * still names the URL's host (SNI) and its certificate is verified against that host. The request
 * carries {@code Host} from the URL and {@code Connection: close}; redirects are not followed, no
 * proxy is used, and the answer's status is all that is read (a webhook receiver's answer is its
 * status). One deadline bounds the whole exchange, from connecting to the status line.
 */
public final class PinnedPost {
    /** Longest status line or header line read; a receiver's are short. */
    static final int MAX_LINE = 8 * 1024;
    /** Most header lines read before the answer is given up on. */
    static final int MAX_HEADERS = 200;

    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bosun-webhook-deadline");
        t.setDaemon(true);
        return t;
    });

    private final SSLSocketFactory tls;

    /** With the JVM's default TLS settings and trust store. */
    public PinnedPost() {
        this(defaultTls());
    }

    /** With other TLS settings, e.g. a trust store that holds a test receiver's certificate. */
    public PinnedPost(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /** The first address that accepted a connection did not answer in time, or none accepted one. */
    public static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Posts {@code body} to {@code url}, connecting to {@code addresses} in order until one accepts.
     *
     * @return the answer's status code
     * @throws TimeoutException past the deadline
     * @throws IOException      when no address accepts a connection, the TLS handshake fails, or the
     *                          answer is cut short or is not HTTP
     */
    public int post(URI url, List<InetAddress> addresses, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean https = "https".equals(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String host = WebhookTargets.bare(url.getHost());
        Socket socket = connect(addresses, port, deadline);
        ScheduledFuture<?> closer = CLOSER.schedule(() -> quietlyClose(socket), left(deadline), TimeUnit.NANOSECONDS);
        try (Socket plain = socket) {
            Socket s = https ? handshake(plain, host, port) : plain;
            s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left(deadline))));
            OutputStream out = s.getOutputStream();
            out.write(head(url, port, https, headers, body.length));
            out.write(body);
            out.flush();
            return status(new BufferedInputStream(s.getInputStream()));
        } catch (IOException e) {
            if (left(deadline) <= 1 || e instanceof SocketTimeoutException) {
                throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
            }
            throw e;
        } finally {
            closer.cancel(false);
        }
    }

    private static Socket connect(List<InetAddress> addresses, int port, long deadline)
            throws IOException, TimeoutException {
        IOException last = null;
        for (InetAddress a : addresses) {
            long ms = TimeUnit.NANOSECONDS.toMillis(left(deadline));
            if (ms <= 0) break;
            Socket s = new Socket(Proxy.NO_PROXY);
            try {
                s.connect(new InetSocketAddress(a, port), (int) Math.min(Integer.MAX_VALUE, ms));
                return s;
            } catch (IOException e) {
                quietlyClose(s);
                last = e;
            }
        }
        if (left(deadline) <= 1 || last instanceof SocketTimeoutException)
            throw new TimeoutException("no connection in time");
        throw new Unreachable("no address accepted a connection", last);
    }

    private Socket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isLiteral(host)) p.setServerNames(List.of(new SNIHostName(host)));
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static byte[] head(URI url, int port, boolean https, Map<String, String> headers, int length) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        boolean defaultPort = port == (https ? 443 : 80);
        var sb = new StringBuilder("POST ")
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(url.getHost())
                .append(defaultPort ? "" : ":" + port)
                .append("\r\n")
                .append("Content-Length: ")
                .append(length)
                .append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The final status: interim 1xx answers and their headers are skipped. */
    static int status(InputStream in) throws IOException {
        while (true) {
            String line = line(in);
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
                throw new IOException("the answer is not HTTP/1.x");
            }
            int status = Integer.parseInt(parts[1]);
            int n = 0;
            while (!line(in).isEmpty()) {
                if (++n > MAX_HEADERS) throw new IOException("the answer has too many header lines");
            }
            if (status >= 200) return status;
        }
    }

    private static String line(InputStream in) throws IOException {
        var buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("the answer ended early");
            if (buf.size() >= MAX_LINE) throw new IOException("a line of the answer is too long");
            buf.write(c);
        }
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static long left(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private static void quietlyClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is how the deadline interrupts a blocked read; nothing else to do
        }
    }

    private static SSLSocketFactory defaultTls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }
}
