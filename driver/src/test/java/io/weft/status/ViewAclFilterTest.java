package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.ViewAcls;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver UI's view ACLs over real HTTP, with requests shaped as YARN's web proxy forwards them: from the
 * proxy's address, naming the authenticated user in the {@code proxy-user} cookie.
 */
@Timeout(60)
class ViewAclFilterTest {

    private static final Function<String, Collection<String>> GROUPS = Map.of("dave", List.of("staff", "analysts"),
            "mallory", List.of("staff"))::get;

    private static final ViewAcls ACLS = new ViewAcls(true, "alice", Set.of("bob"), Set.of("analysts"));

    private static ProxyAccess localProxy() throws Exception {
        return new ProxyAccess(Set.of(InetAddress.getByName("127.0.0.1")), "http://rm:8088/proxy/app-x");
    }

    private static int status(String url, String user) throws Exception {
        HttpURLConnection connection = UiEscapingTest.request(url);
        connection.setInstanceFollowRedirects(false);
        if (user != null) {
            connection.setRequestProperty("Cookie", ViewAclFilter.PROXY_USER_COOKIE + "=" + user);
        }
        int code = connection.getResponseCode();
        UiEscapingTest.assertProtected(connection);
        return code;
    }

    private static Function<String, Collection<String>> groups() {
        return user -> GROUPS.apply(user) == null ? List.of() : GROUPS.apply(user);
    }

    @Test
    void theOwnerListedUsersAndGroupMembersMayViewOthersGet403() throws Exception {
        try (UiServer ui = UiServer.start(UiEscapingTest.hostileStore(null), "127.0.0.1", 0, localProxy(), ACLS,
                groups())) {
            for (String page : List.of("", "api/v1/jobs", "environment")) {
                assertThat(status(ui.url() + page, "alice")).as("owner " + page).isEqualTo(200);
                assertThat(status(ui.url() + page, "bob")).as("listed user").isEqualTo(200);
                assertThat(status(ui.url() + page, "dave")).as("member of a listed group").isEqualTo(200);
                assertThat(status(ui.url() + page, "mallory")).as("anyone else").isEqualTo(403);
                assertThat(status(ui.url() + page, null)).as("no user named").isEqualTo(403);
            }
            HttpURLConnection refused = UiEscapingTest.request(ui.url());
            refused.setRequestProperty("Cookie", "theme=dark; proxy-user=mallory");
            assertThat(refused.getResponseCode()).isEqualTo(403);
            assertThat(UiEscapingTest.body(refused)).contains("mallory").contains("weft.ui.view.acls")
                    .contains("alice");
            HttpURLConnection encoded = UiEscapingTest.request(ui.url());
            encoded.setRequestProperty("Cookie", "proxy-user=b%6Fb");
            assertThat(encoded.getResponseCode()).as("the proxy URL-encodes the name").isEqualTo(200);
        }
    }

    @Test
    void withoutTheProxyInFrontTheCookieIsNotBelieved() throws Exception {
        try (UiServer ui = UiServer.start(UiEscapingTest.hostileStore(null), "127.0.0.1", 0, null, ACLS, groups())) {
            assertThat(status(ui.url(), "alice")).isEqualTo(403);
        }
    }

    @Test
    void aRequestFromElsewhereIsSentToTheProxyBeforeAnyCheck() throws Exception {
        ProxyAccess elsewhere = new ProxyAccess(Set.of(InetAddress.getByName("192.0.2.1")),
                "http://rm:8088/proxy/app-x");
        try (UiServer ui = UiServer.start(UiEscapingTest.hostileStore(null), "127.0.0.1", 0, elsewhere, ACLS,
                groups())) {
            assertThat(status(ui.url() + "jobs/0", "alice")).as("forged cookie, not from the proxy").isEqualTo(302);
        }
    }

    @Test
    void switchedOffEveryoneTheProxyForwardsMayView() throws Exception {
        ViewAcls off = new ViewAcls(false, "alice", Set.of(), Set.of());
        try (UiServer ui = UiServer.start(UiEscapingTest.hostileStore(null), "127.0.0.1", 0, localProxy(), off,
                groups())) {
            assertThat(status(ui.url(), "mallory")).isEqualTo(200);
            assertThat(status(ui.url(), null)).isEqualTo(200);
        }
    }
}
