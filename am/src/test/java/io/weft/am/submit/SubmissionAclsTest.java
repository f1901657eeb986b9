package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.StagingLayout;
import io.weft.yarnconf.YarnSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationAccessType;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.impl.pb.ContainerLaunchContextPBImpl;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.util.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AM's launch context carries the view ACLs to YARN, in YARN's own record and wire form. */
class SubmissionAclsTest {

    private static ContainerLaunchContext filled(Path staging, Map<String, String> settings) throws Exception {
        Files.writeString(staging.resolve(StagingLayout.MANIFEST), "");
        WeftConf conf = WeftConf.validate(settings);
        ApplicationSubmissionContext submission = Records.newRecord(ApplicationSubmissionContext.class);
        Submissions.fill(submission, YarnSettings.from(conf), "acl-test", FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(staging.toUri()), new YarnConfiguration(), null,
                "io.weft.am.master.ApplicationMaster", List.of(), new byte[32], conf,
                io.weft.am.kerberos.AmCredentials.none());
        // What the ResourceManager receives: the record after a round trip through its protocol buffer.
        return new ContainerLaunchContextPBImpl(((ContainerLaunchContextPBImpl) submission.getAMContainerSpec())
                .getProto());
    }

    @Test
    void withAclsOnTheAmContextCarriesTheViewAclOwnerUsersThenGroups(@TempDir Path staging) throws Exception {
        String owner = UserGroupInformation.getCurrentUser().getShortUserName();
        ContainerLaunchContext am = filled(staging, Map.of("weft.acls.enable", "true",
                "weft.ui.view.acls", "bob,carol", "weft.ui.view.acls.groups", "analysts"));
        assertThat(am.getApplicationACLs()).containsOnlyKeys(ApplicationAccessType.VIEW_APP);
        assertThat(am.getApplicationACLs().get(ApplicationAccessType.VIEW_APP))
                .isEqualTo(owner + ",bob,carol analysts");
        assertThat(new org.apache.hadoop.security.authorize.AccessControlList(
                am.getApplicationACLs().get(ApplicationAccessType.VIEW_APP)).isUserAllowed(
                        UserGroupInformation.createUserForTesting("carol", new String[0]))).isTrue();
        assertThat(new org.apache.hadoop.security.authorize.AccessControlList(
                am.getApplicationACLs().get(ApplicationAccessType.VIEW_APP)).isUserAllowed(
                        UserGroupInformation.createUserForTesting("mallory", new String[] {"staff"}))).isFalse();
    }

    @Test
    void withAclsOffYarnKeepsItsDefaults(@TempDir Path staging) throws Exception {
        assertThat(filled(staging, Map.of("weft.ui.view.acls", "bob")).getApplicationACLs()).isEmpty();
    }
}
