package io.weft.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ViewAclsTest {

    private static ViewAcls acls(Map<String, String> settings) {
        return ViewAcls.of(WeftConf.validate(settings), "alice");
    }

    @Test
    void offByDefaultEveryoneMayView() {
        ViewAcls acls = acls(Map.of("weft.ui.view.acls", "bob"));
        assertThat(acls.enabled()).isFalse();
        assertThat(acls.allows("mallory", List.of())).isTrue();
        assertThat(acls.allows(null, List.of())).isTrue();
    }

    @Test
    void whenEnabledOwnerListedUsersAndGroupMembersOnly() {
        ViewAcls acls = acls(Map.of("weft.acls.enable", "true", "weft.ui.view.acls", " bob, carol ,",
                "weft.ui.view.acls.groups", "analysts"));
        assertThat(acls.users()).isEqualTo(Set.of("bob", "carol"));
        assertThat(acls.allows("alice", List.of())).isTrue();
        assertThat(acls.allows("bob", List.of())).isTrue();
        assertThat(acls.allows("dave", List.of("staff", "analysts"))).isTrue();
        assertThat(acls.allows("mallory", List.of("staff"))).isFalse();
        assertThat(acls.allows(null, List.of("analysts"))).as("no authenticated user").isFalse();
    }

    @Test
    void yarnAclIsUsersSpaceGroupsWithTheOwnerFirst() {
        assertThat(acls(Map.of("weft.acls.enable", "true", "weft.ui.view.acls", "carol,bob",
                "weft.ui.view.acls.groups", "ops,analysts")).yarnAcl()).isEqualTo("alice,bob,carol analysts,ops");
        assertThat(acls(Map.of("weft.acls.enable", "true")).yarnAcl()).isEqualTo("alice ");
        assertThat(acls(Map.of("weft.acls.enable", "true", "weft.ui.view.acls.groups", "*")).yarnAcl())
                .isEqualTo("*");
        assertThat(acls(Map.of("weft.acls.enable", "true", "weft.ui.view.acls", "*")).allows("x", List.of()))
                .isTrue();
    }
}
