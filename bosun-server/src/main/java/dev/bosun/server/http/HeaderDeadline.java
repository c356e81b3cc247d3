package dev.bosun.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections whose request headers must arrive in full within a deadline once their first
 * byte has. The idle timeout alone does not stop a slowloris client, which sends a byte just often
 * enough to never be idle and holds the connection forever (D59).
 */
public final class HeaderDeadline extends HttpConnectionFactory {
    private final long deadlineNanos;

    public HeaderDeadline(HttpConfiguration config, Duration deadline) {
        super(config);
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        var connection = new Guarded(getHttpConfiguration(), connector, endPoint);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }

    private final class Guarded extends HttpConnection {
        private final Connector connector;
        /** Bumped each time a request's headers begin to arrive; a timer only acts on its own generation. */
        private long generation;

        private boolean timing;

        Guarded(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
            this.connector = connector;
        }

        @Override
        public void onFillable() {
            super.onFillable();
            synchronized (this) {
                boolean midHeaders = inHeaders();
                if (midHeaders && !timing) {
                    timing = true;
                    long mine = ++generation;
                    connector.getScheduler().schedule(() -> expire(mine), deadlineNanos, TimeUnit.NANOSECONDS);
                } else if (!midHeaders) {
                    timing = false;
                }
            }
        }

        private boolean inHeaders() {
            HttpParser p = getParser();
            return p.inHeaderState() && !p.isStart() && !p.isClose() && !p.isClosed();
        }

        private void expire(long mine) {
            synchronized (this) {
                if (!timing || generation != mine || !inHeaders()) return;
            }
            getEndPoint().close();
        }
    }
}
