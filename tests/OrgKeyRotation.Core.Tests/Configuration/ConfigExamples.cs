namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>Configurations shared by the loader and schema tests.</summary>
internal static class ConfigExamples
{
    /// <summary>The full file form as docs/configuration.md shows it.</summary>
    public const string Full = """
        {
          "roleName": "IAMKeyRotationRole",
          "externalId": "optional-per-org",
          "accounts": { "111111111111": ["user1", "user2"] },
          "discovery": {
            "organization": false,
            "includeOus": [],
            "excludeAccounts": [],
            "userPath": "/",
            "userTag": "key-rotation=enabled"
          },
          "policy": {
            "maxKeyAgeDays": 90,
            "deactivateAfterDays": 7,
            "deleteAfterDays": 7,
            "requireOldKeyUnused": true,
            "oldKeyIdleDays": 7,
            "maxDeactivationDelayDays": 30
          },
          "exemptions": { "group": "key-rotation-exempt", "tag": "key-rotation:exempt" },
          "secrets": { "nameTemplate": "iam-key-rotation/{accountId}/{userName}", "kmsKeyId": null, "location": "member", "rotationLambdaArn": null },
          "alerts": { "snsTopicArn": "arn:aws:sns:us-east-1:999999999999:iam-key-rotation-alerts", "ownerTag": "owner" },
          "destinations": {
            "defaults": [],
            "accounts": {
              "111111111111": {
                "defaults": [{ "type": "ssm", "name": "/iam-keys/{userName}", "format": "json" }],
                "users": {
                  "user2": [
                    { "type": "github", "scope": "environment", "repository": "example-org/deploy", "environment": "production" }
                  ]
                }
              }
            }
          },
          "github": {
            "apiUrl": "https://api.github.com",
            "credentialsSecretArn": "arn:aws:secretsmanager:us-east-1:999999999999:secret:orgkeyrotation/github-AbCdEf"
          },
          "dryRun": false,
          "concurrency": { "accounts": 16, "usersPerAccount": 4 },
          "lambda": { "deadlineMarginSeconds": null },
          "fanOut": { "digestDelaySeconds": 60 }
        }
        """;

    /// <summary>Single quotes keep test rows readable; JSON needs double quotes.</summary>
    public static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');

    /// <summary>A valid minimal configuration with <paramref name="extra"/> members appended at the root.</summary>
    public static string Minimal(string extra = "") =>
        Json("{'accounts':{'111111111111':['user1']}" + (extra.Length > 0 ? "," + extra : "") + "}");
}
