namespace Lightshield.Center.Hosting;

internal static class CenterHelp
{
    public const string Text = """
        lightshield-center: the Lightshield control plane (tenants, users, agents, audit; REST API; gRPC for agents and scan servers).

        Usage: lightshield-center [--Center:Setting=value ...]
        Settings also come from appsettings.json beside the binary and from LIGHTSHIELD_Center__Setting variables.

          --Center:Listen=ADDR:PORT                  REST API, /health/live, /health/ready (default 127.0.0.1:7500)
          --Center:DataDirectory=DIR                 state, including the SQLite database (default ~/.local/share/lightshield/center)
          --Center:Database:Provider=sqlite|postgres default sqlite (DIR/center.db)
          --Center:Database:ConnectionString=...     required for postgres
          --Center:Bootstrap:AdminUserName=NAME      first provider administrator (default admin)
          --Center:Bootstrap:AdminPassword=...       its password; default: a one-time password in DATA/initial-admin-password
          --Center:LoginTokenLifetime=12:00:00       lifetime of tokens from POST /api/v1/auth/login
          --Center:Integration:GrpcListen=ADDR:PORT  gRPC for agents and scan servers (default 127.0.0.1:7501, TLS self-signed)
          --Center:Integration:Plaintext=true        no TLS on the gRPC endpoint (loopback only)
          --Center:Plaintext=true                    no TLS on the REST API and console (loopback only; default TLS,
                                                     the gRPC endpoint's certificate)
          --Center:Integration:DownAfter=00:00:30    a scan server silent for longer is down
          --Center:Integration:CredentialLifetime=7.00:00:00   validity of agent credentials

        API reference: http://ADDR:PORT/api/reference   OpenAPI: http://ADDR:PORT/openapi/v1.json
        """;
}
