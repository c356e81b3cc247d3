package dev.bosun.server.ui;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.server.http.ApiErrors;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * Mounts the dashboard at {@code /ui}: its files by name, and {@code index.html} for every other
 * sub-path of {@code /ui} whose last segment has no extension (the app's own pages, such as
 * {@code /ui/sessions/sess_01J…}), so a reload or a shared link opens the right view. A missing file
 * (a name with an extension) is a 404 in the API's error envelope; paths outside {@code /ui} never
 * reach this servlet (the API keeps its own 404s).
 *
 * <p>It is a servlet beside Javalin's rather than a Javalin route: {@code /openapi.json} describes
 * the API and its route table exactly, and the dashboard is not part of the API (D85). The edge
 * filter (Host, Origin, body type) still runs in front of it.
 *
 * <p>Every answer carries a strict Content-Security-Policy (scripts, styles, images and API calls
 * only from this origin; no inline script; no framing), {@code X-Content-Type-Options: nosniff},
 * {@code Referrer-Policy: no-referrer} and {@code Cache-Control: no-cache} with a strong ETag, so a
 * browser revalidates each file (a {@code 304} when unchanged) and never runs a mix of two versions.
 */
public final class UiRoutes {
    /** The Content-Security-Policy of every dashboard answer. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    static final String PREFIX = "/ui";

    private UiRoutes() {}

    /** Adds the dashboard's servlet for {@code /ui} and {@code /ui/*} to {@code context}. */
    public static void mount(ServletContextHandler context, UiAssets assets) {
        context.addServlet(new ServletHolder("bosun-ui", new UiServlet(assets)), PREFIX + "/*");
    }

    /** The asset a request path under {@code /ui} is answered with: the file it names, or the app's page. */
    static Optional<UiAssets.Asset> resolve(UiAssets assets, String uri) {
        String rest = uri.equals(PREFIX) ? "" : uri.substring(PREFIX.length() + 1);
        if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
        if (rest.isEmpty()) return assets.find(UiAssets.INDEX);
        if (UiAssets.namesFile(rest)) return assets.find(rest);
        UiAssets.requireSafe(rest);
        return assets.find(UiAssets.INDEX);
    }

    private static final class UiServlet extends HttpServlet {
        private final transient UiAssets assets;

        UiServlet(UiAssets assets) {
            this.assets = assets;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setHeader("Content-Security-Policy", CSP);
            res.setHeader("X-Content-Type-Options", "nosniff");
            res.setHeader("Referrer-Policy", "no-referrer");
            res.setHeader("X-Frame-Options", "DENY");
            String method = req.getMethod();
            String uri = req.getRequestURI();
            try {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    throw new BosunException(ErrorCode.NOT_FOUND, "no route " + method + " " + PREFIX, Map.of());
                }
                if (!uri.equals(PREFIX) && !uri.startsWith(PREFIX + "/")) {
                    throw new BosunException(ErrorCode.NOT_FOUND, "no route " + method + " " + PREFIX, Map.of());
                }
                UiAssets.Asset asset = resolve(assets, uri)
                        .orElseThrow(() -> new BosunException(
                                ErrorCode.NOT_FOUND, "no such dashboard file", Map.of("field", "path")));
                res.setHeader("ETag", asset.etag());
                res.setHeader("Cache-Control", "no-cache");
                if (asset.matches(req.getHeader("If-None-Match"))) {
                    res.setStatus(304);
                    return;
                }
                res.setStatus(200);
                res.setContentType(asset.contentType());
                res.setContentLength(asset.body().length);
                if (method.equals("GET")) res.getOutputStream().write(asset.body());
            } catch (BosunException e) {
                res.setHeader("Cache-Control", "no-store");
                ApiErrors.write(res, e);
            }
        }
    }
}
