package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.Test;

/**
 * View ACLs end to end through the mini cluster's real ResourceManager proxy, whose web UI does not authenticate
 * (as on a cluster without Kerberos or other web authentication): the proxy then names no user in its
 * {@code proxy-user} cookie, and a driver whose application enabled view ACLs refuses the request (403, naming the
 * fix) rather than guessing. That the proxy's named user is admitted or refused by the lists is
 * {@code ViewAclFilterTest}'s part (requests shaped as the proxy sends them); an authenticating RM web UI is not
 * available on the insecure mini cluster.
 */
class UiAclProxyTest {

    @Test
    void withAclsOnAndAnUnauthenticatedRmWebUiTheDriverRefusesThroughTheProxy() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(clusters.conf);
        yarn.start();
        try (WeftSession weft = clusters.clientSession("acl-through-proxy").config("weft.ui.progress", "false")
                .config("weft.acls.enable", "true").config("weft.ui.view.acls", "bob").getOrCreate()) {
            assertThat(weft.parallelize(List.of(1, 2), 1).count()).isEqualTo(2);
            String tracking = yarn.getApplicationReport(ApplicationId.fromString(weft.applicationId()))
                    .getTrackingUrl();
            assertThat(tracking).contains("/proxy/");
            for (String page : List.of("", "api/v1/jobs", "environment")) {
                HttpURLConnection connection = (HttpURLConnection) URI.create(tracking + page).toURL()
                        .openConnection();
                assertThat(connection.getResponseCode()).as(page).isEqualTo(403);
                try (InputStream in = connection.getErrorStream()) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .contains("named no authenticated user").contains("hadoop.http.authentication.type");
                }
            }
        } finally {
            yarn.stop();
        }
    }
}
