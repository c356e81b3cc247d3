package dev.bosun.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** log_format, log_level, metrics_auth and shutdown_grace: defaults, values, and the errors that name them. */
class OpsConfigTest {
    @Test
    void defaultsAndValues() {
        assertThat(ConfigLoader.defaults().load().server().ops()).isEqualTo(OpsSettings.DEFAULTS);
        OpsSettings ops = ConfigLoader.defaults()
                .set("log_format", "json")
                .set("log_level", "debug")
                .set("api_keys", List.of("ops:" + "a".repeat(64)))
                .set("metrics_auth", "api_key")
                .set("shutdown_grace", "45s")
                .load()
                .server()
                .ops();
        assertThat(ops)
                .isEqualTo(new OpsSettings(
                        OpsSettings.LogFormat.JSON, "debug", OpsSettings.MetricsAuth.API_KEY, Duration.ofSeconds(45)));
    }

    @Test
    void badValuesNameTheField() {
        assertThatThrownBy(
                        () -> ConfigLoader.defaults().set("log_format", "xml").load())
                .isInstanceOf(BosunException.class)
                .hasMessageContaining("log_format")
                .hasMessageContaining("text, json");
        assertThatThrownBy(
                        () -> ConfigLoader.defaults().set("log_level", "loud").load())
                .hasMessageContaining("log_level");
        assertThatThrownBy(() ->
                        ConfigLoader.defaults().set("shutdown_grace", "1h").load())
                .hasMessageContaining("shutdown_grace");
        assertThatThrownBy(() ->
                        ConfigLoader.defaults().set("metrics_auth", "api_key").load())
                .hasMessageContaining("metrics_auth")
                .hasMessageContaining("api_keys");
    }
}
