package dev.bosun.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import java.util.List;
import org.junit.jupiter.api.Test;

class UiAssetsTest {
    final UiAssets assets = UiAssets.shipped();

    @Test
    void shippedFilesAreFoundWithTheirTypeAndAStableStrongTag() {
        var index = assets.find(UiAssets.INDEX).orElseThrow();
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(index.etag()).matches("\"[A-Za-z0-9_-]{27}\"");
        assertThat(UiAssets.shipped().find(UiAssets.INDEX).orElseThrow().etag())
                .as("the same bytes, the same tag")
                .isEqualTo(index.etag());
        assertThat(assets.find("views/session.js").orElseThrow().contentType()).startsWith("text/javascript");
        assertThat(index.matches(index.etag())).isTrue();
        assertThat(index.matches("W/" + index.etag())).isTrue();
        assertThat(index.matches("*")).isTrue();
        assertThat(index.matches("\"nope\"")).isFalse();
        assertThat(index.matches(null)).isFalse();
    }

    @Test
    void missesAreNotKeptSoNamesCannotFillMemory() {
        for (int i = 0; i < 500; i++)
            assertThat(assets.find("nope-" + i + ".js")).isEmpty();
        assertThat(assets.cached()).isZero();
        assets.find("app.js").orElseThrow();
        assets.find("app.js").orElseThrow();
        assertThat(assets.cached()).isEqualTo(1);
    }

    @Test
    void onlySafeNamesWithAKnownExtensionAreLookedUp() {
        for (String bad : List.of(
                "",
                "../pom.xml",
                "a/../b.js",
                "./app.js",
                ".hidden.js",
                "a//b.js",
                "a\\b.js",
                "app.js/",
                "%2e%2e/x.js",
                "a b.js",
                "x".repeat(513))) {
            assertThatThrownBy(() -> assets.find(bad))
                    .as(bad)
                    .isInstanceOf(BosunException.class)
                    .hasMessageContaining("path");
        }
        assertThat(assets.find("dev/bosun/server/BosunServer.class"))
                .as("not a dashboard file type")
                .isEmpty();
        assertThat(assets.find("views")).isEmpty();
        assertThat(UiAssets.namesFile("views/app.js")).isTrue();
        assertThat(UiAssets.namesFile("sessions/sess_01")).isFalse();
    }
}
