package io.weft.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RedactionTest {

    @Test
    void cloudAndHadoopCredentialsAreMaskedByTheBuiltInRule() {
        Redaction rule = Redaction.builtIn();
        for (String key : new String[] {"weft.hadoop.fs.s3a.access.key", "weft.hadoop.fs.s3a.secret.key",
                "weft.hadoop.fs.s3a.session.token", "fs.azure.account.key.acct.blob.core.windows.net",
                "fs.azure.account.oauth2.client.secret.acct.dfs.core.windows.net", "ssl.server.keystore.password",
                "ssl.client.truststore.password", "javax.net.ssl.keyStorePassword", "fs.s3a.encryption.key",
                "weft.hadoop.fs.gs.auth.service.account.private.key", "app.jdbc.passwd", "sasl.jaas.config",
                "weft.internal.secret", "hadoop.security.credential.provider.path", "DB.PASSWORD", "key"}) {
            assertThat(rule.masks(key, "v")).as(key).isTrue();
            assertThat(rule.value(key, "v")).isEqualTo(Redaction.MASK);
        }
    }

    @Test
    void ordinarySettingsAndKeytabPathsAreShown() {
        Redaction rule = Redaction.builtIn();
        for (String key : new String[] {"weft.ui.port", "weft.executor.instances", "fs.defaultFS",
                "weft.kerberos.keytab", "weft.kerberos.principal", "hadoop.security.key.provider.path",
                "weft.history.spnego.keytab", "monkey"}) {
            assertThat(rule.masks(key, "v")).as(key).isFalse();
        }
    }

    @Test
    void theExtraPatternMasksByKeyOrByValue() {
        Redaction rule = Redaction.of(Map.of("weft.redaction.regex", "(?i)jdbc:.*;pwd=|\\.apikey$"));
        Map<String, String> masked = rule.mask(Map.of("app.url", "jdbc:db://h;PWD=hunter2", "app.apikey", "k1",
                "app.name", "n", "app.token", "t"));
        assertThat(masked).containsEntry("app.url", Redaction.MASK).containsEntry("app.apikey", Redaction.MASK)
                .containsEntry("app.name", "n").containsEntry("app.token", Redaction.MASK);
        assertThat(Redaction.of(Map.of()).masks("app.apikey", "k1")).isFalse();
    }

    @Test
    void aBrokenExtraPatternIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.redaction.regex", "(unclosed")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.redaction.regex")
                .hasMessageContaining("a Java regular expression");
    }

    @Test
    void aMalformedCredentialIsNotQuotedInTheError() {
        ConfigKey<Integer> key = new ConfigKey<>("weft.test.password", null, "a number", Integer::parseInt, "d");
        assertThatThrownBy(() -> key.parse("hunter2")).isInstanceOf(WeftException.class)
                .hasMessageContaining("weft.test.password").hasMessageNotContaining("hunter2");
        ConfigKey<Integer> plain = new ConfigKey<>("weft.test.count", null, "a number", Integer::parseInt, "d");
        assertThatThrownBy(() -> plain.parse("seven")).hasMessageContaining("seven");
    }
}
