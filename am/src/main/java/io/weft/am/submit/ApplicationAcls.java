package io.weft.am.submit;

import io.weft.api.WeftException;
import io.weft.conf.UiSecurityKeys;
import io.weft.conf.ViewAcls;
import io.weft.conf.WeftConf;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationAccessType;

/**
 * The application's YARN ACLs, set on the AM's launch context at submission: when {@code weft.acls.enable} is on,
 * VIEW_APP lists the submitting user, {@code weft.ui.view.acls} and {@code weft.ui.view.acls.groups} (the same
 * {@link ViewAcls} the driver UI enforces), so the ResourceManager's pages, its web proxy and {@code yarn logs}
 * admit the same people. When it is off, YARN's defaults apply (the owner and the cluster's admins).
 */
final class ApplicationAcls {

    private ApplicationAcls() {
    }

    /**
     * @param conf the application's settings
     * @return the ACLs for {@code ContainerLaunchContext.setApplicationACLs}; empty when ACLs are off
     * @throws WeftException when the submitting user cannot be determined
     */
    static Map<ApplicationAccessType, String> of(WeftConf conf) {
        if (!conf.get(UiSecurityKeys.ACLS_ENABLE)) {
            return Map.of();
        }
        try {
            ViewAcls acls = ViewAcls.of(conf, UserGroupInformation.getCurrentUser().getShortUserName());
            return Map.of(ApplicationAccessType.VIEW_APP, acls.yarnAcl());
        } catch (IOException e) {
            throw new WeftException("Cannot tell the submitting user for the application's VIEW_APP ACL ("
                    + UiSecurityKeys.ACLS_ENABLE.name() + "=true): " + e.getMessage(), e);
        }
    }
}
