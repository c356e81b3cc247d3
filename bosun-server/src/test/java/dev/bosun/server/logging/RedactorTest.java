package dev.bosun.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
    @Test
    void masksKeysTokensSecretsAndUrlPasswords() {
        assertThat(Redactor.redact("Authorization: Bearer abc.DEF-123")).isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(Redactor.redact("key bsn_AbC-12_x used")).isEqualTo("key bsn_[REDACTED] used");
        assertThat(Redactor.redact("secret whsec_0123abcd")).isEqualTo("secret whsec_[REDACTED]");
        assertThat(Redactor.redact("{\"secret\":\"hunter2\",\"n\":1}"))
                .isEqualTo("{\"secret\":\"[REDACTED]\",\"n\":1}");
        assertThat(Redactor.redact("GET /x?api_key=s3cr3t&token=t0k"))
                .isEqualTo("GET /x?api_key=[REDACTED]&token=[REDACTED]");
        assertThat(Redactor.redact("password=pw plato_api_key: k1"))
                .isEqualTo("password=[REDACTED] plato_api_key: [REDACTED]");
        assertThat(Redactor.redact("postgresql://bosun:pa55@db:5432/bosun"))
                .isEqualTo("postgresql://[REDACTED]@db:5432/bosun");
        assertThat(Redactor.redact("Authorization: Basic dXNlcjpwdw==")).isEqualTo("Authorization: Basic [REDACTED]");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String s = "session sess_01ABC ended: success after 3 tasks (http://127.0.0.1:7700/v1/sessions)";
        assertThat(Redactor.redact(s)).isEqualTo(s);
    }
}
