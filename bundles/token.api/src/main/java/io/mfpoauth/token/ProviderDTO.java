package io.mfpoauth.token;

import java.util.List;

import org.osgi.dto.DTO;

/** A provider the token service can use now. */
public class ProviderDTO extends DTO {
    /** The provider's id, as a slot's {@code provider}. */
    public String id;
    /** The name the administrator picks from, e.g. "Microsoft 365 / Exchange Online". */
    public String name;
    /** The flows it supports. */
    public List<Flow> flows;
    /** The mail-server host names (or domains) it serves, for proposing it from a server name. */
    public List<String> hosts;
    /** The symbolic name of the bundle that registered it. */
    public String bundle;
}
