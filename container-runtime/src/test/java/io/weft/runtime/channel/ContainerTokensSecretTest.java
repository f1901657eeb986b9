package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An executor's secret read straight from the tokens file a YARN container is given, as a real file. */
@Timeout(30)
class ContainerTokensSecretTest {

    @TempDir
    Path dir;

    @Test
    void theSecretComesFromTheTokensFileTheEnvironmentNames() throws IOException {
        byte[] secret = ApplicationSecrets.random();
        Credentials credentials = new Credentials();
        ApplicationSecrets.addTo(credentials, secret);
        credentials.addSecretKey(new Text("another.key"), new byte[] {1, 2, 3});
        Path tokens = dir.resolve("container_tokens");
        credentials.writeTokenStorageFile(new org.apache.hadoop.fs.Path(tokens.toUri()), new Configuration(false));

        assertThat(ApplicationSecrets.fromContainerTokens(
                Map.of(UserGroupInformation.HADOOP_TOKEN_FILE_LOCATION, tokens.toString()))).contains(secret);
    }

    @Test
    void aTokensFileWithoutTheSecretGivesNone() throws IOException {
        Credentials credentials = new Credentials();
        credentials.addSecretKey(new Text("another.key"), new byte[] {1, 2, 3});
        Path tokens = dir.resolve("container_tokens");
        credentials.writeTokenStorageFile(new org.apache.hadoop.fs.Path(tokens.toUri()), new Configuration(false));

        assertThat(ApplicationSecrets.fromContainerTokens(
                Map.of(UserGroupInformation.HADOOP_TOKEN_FILE_LOCATION, tokens.toString()))).isEmpty();
    }

    @Test
    void anUnreadableTokensFileFailsWithTheFilesName() throws IOException {
        Path tokens = Files.writeString(dir.resolve("container_tokens"), "not a tokens file");

        assertThatThrownBy(() -> ApplicationSecrets.fromContainerTokens(
                Map.of(UserGroupInformation.HADOOP_TOKEN_FILE_LOCATION, tokens.toString())))
                .isInstanceOf(IOException.class).hasMessageContaining("container_tokens");
    }
}
