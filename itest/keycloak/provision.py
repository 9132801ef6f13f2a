#!/usr/bin/env python3
"""Provision the test realm of a running Keycloak through its admin REST API, then write the properties file.

Called by keycloak.sh start; standard library only. Deletes the realm if it exists, creates it from
realm-mfp.json (realm settings and clients), creates the users one by one (so they get the realm's default
roles, offline_access among them), checks the result, and writes the connection facts the Java tests read.

Arguments are given as environment variables by keycloak.sh:
  KC_URL, KC_ADMIN_USER, KC_ADMIN_PASSWORD, KC_REALM_FILE, KC_PROPS, KC_USER_PASSWORD,
  KC_HTTP_PORT, KC_MGMT_PORT, KC_PID, KC_LOG, KC_HOME, KC_JAVA_HOME
"""
import json
import os
import secrets
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

env = os.environ


class Fail(Exception):
    pass


def request(method, url, token=None, body=None, form=None, expect=(200, 201, 204)):
    headers = {"Accept": "application/json"}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode(errors="replace")
    except OSError as e:
        raise Fail(f"{method} {url}: {e}") from e
    if status not in expect:
        raise Fail(f"{method} {url} -> HTTP {status}: {text[:500]}")
    return status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)


def main():
    base = env["KC_URL"].rstrip("/")
    admin_user, admin_password = env["KC_ADMIN_USER"], env["KC_ADMIN_PASSWORD"]
    user_password = env["KC_USER_PASSWORD"]
    secret = secrets.token_urlsafe(24)

    _, tok = request("POST", f"{base}/realms/master/protocol/openid-connect/token",
                     form={"grant_type": "password", "client_id": "admin-cli",
                           "username": admin_user, "password": admin_password})
    token = tok["access_token"]
    admin = f"{base}/admin/realms"

    with open(env["KC_REALM_FILE"], encoding="utf-8") as f:
        text = f.read()
    text = text.replace("${INTROSPECT_SECRET}", secret).replace("${USER_PASSWORD}", user_password)
    realm = json.loads(text)
    realm.pop("_comment", None)
    users = realm.pop("users", [])
    name = realm["realm"]

    status, _ = request("GET", f"{admin}/{name}", token, expect=(200, 404))
    if status == 200:
        request("DELETE", f"{admin}/{name}", token)
    request("POST", admin, token, body=realm)
    for user in users:
        request("POST", f"{admin}/{name}/users", token, body=user)

    # Check what the tests rely on, so a Keycloak that ignored a setting fails here and not in a test.
    _, got = request("GET", f"{admin}/{name}", token)
    for key in ("sslRequired", "accessTokenLifespan", "revokeRefreshToken", "refreshTokenMaxReuse",
                "oauth2DeviceCodeLifespan", "oauth2DevicePollingInterval"):
        if got.get(key) != realm[key]:
            raise Fail(f"realm {name}: {key} is {got.get(key)!r}, wanted {realm[key]!r}")
    clients = {c["clientId"]: c for c in realm["clients"]}
    for client_id, want in clients.items():
        _, found = request("GET", f"{admin}/{name}/clients?clientId={urllib.parse.quote(client_id)}", token)
        if len(found) != 1:
            raise Fail(f"client {client_id} not created")
        for attr, value in want.get("attributes", {}).items():
            if found[0].get("attributes", {}).get(attr) != value:
                raise Fail(f"client {client_id}: attribute {attr} is "
                           f"{found[0].get('attributes', {}).get(attr)!r}, wanted {value!r}")
    for user in users:
        _, found = request("GET", f"{admin}/{name}/users?exact=true&email={urllib.parse.quote(user['email'])}", token)
        if len(found) != 1 or not found[0].get("emailVerified"):
            raise Fail(f"user {user['email']} not created with a verified e-mail")

    device = [c for c in realm["clients"] if c.get("attributes", {}).get("oauth2.device.authorization.grant.enabled") == "true"]
    short = [c for c in device if "oauth2.device.code.lifespan" in c["attributes"]]
    introspect = [c for c in realm["clients"] if not c.get("publicClient")]
    props = {
        "baseUrl": base,
        "issuer": f"{base}/realms/{name}",
        "httpPort": env["KC_HTTP_PORT"],
        "managementPort": env["KC_MGMT_PORT"],
        "adminUser": admin_user,
        "adminPassword": admin_password,
        "realm": name,
        "deviceClient": [c for c in device if c not in short][0]["clientId"],
        "shortDeviceClient": short[0]["clientId"],
        "shortDeviceCodeLifespan": short[0]["attributes"]["oauth2.device.code.lifespan"],
        "introspectClient": introspect[0]["clientId"],
        "introspectSecret": secret,
        "users": ",".join(u["email"] for u in users),
        "password": user_password,
        "accessTokenLifespan": str(realm["accessTokenLifespan"]),
        "deviceCodeLifespan": str(realm["oauth2DeviceCodeLifespan"]),
        "devicePollingInterval": str(realm["oauth2DevicePollingInterval"]),
        "pid": env["KC_PID"],
        "log": env["KC_LOG"],
        "home": env["KC_HOME"],
        "javaHome": env["KC_JAVA_HOME"],
    }
    path = env["KC_PROPS"]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".keycloak-props")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# Written by itest/keycloak/keycloak.sh start: the running test Keycloak. Read by io.mfpoauth.itest.keycloak.Keycloak.\n")
        for key, value in props.items():
            # java.util.Properties format: escape backslashes, and ':' '=' are fine in values.
            f.write(f"{key}={str(value).replace(chr(92), chr(92) * 2)}\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


if __name__ == "__main__":
    try:
        main()
    except (Fail, KeyError, ValueError) as e:
        print(f"keycloak provisioning failed: {e}", file=sys.stderr)
        sys.exit(1)
