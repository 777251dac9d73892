using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Xml.Linq;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>
/// Mistakes an engine could make in how it carries out a plan, put under the engine's AWS calls on purpose (never the
/// consumers'), so a test shows that an invariant catches them. Policy mistakes need no handler: the scenario's
/// <see cref="Scenario.EnginePolicy"/> differs from what its <see cref="Promise"/> judges.
/// </summary>
internal static class BrokenRules
{
    /// <summary>Deactivating the old key deactivates the user's newest key too.</summary>
    public static Func<HttpMessageHandler, HttpMessageHandler> DeactivatesEveryKey { get; } = inner => new DeactivatesEveryKeyHandler(inner);

    /// <summary>A restore reports success but leaves the key inactive.</summary>
    public static Func<HttpMessageHandler, HttpMessageHandler> RestoreWithoutReactivating { get; } = inner => new RestoreWithoutReactivatingHandler(inner);

    /// <summary>A Parameter Store write reports success but the parameter keeps what it held: the record claims a key the destination lacks.</summary>
    public static Func<HttpMessageHandler, HttpMessageHandler> DropsParameterWrites { get; } = inner => new DropsParameterWritesHandler(inner);

    /// <summary>A GitHub Actions secret write answered 204 (updated) but never sent: the record claims a key the repository lacks.</summary>
    public static Func<HttpMessageHandler, HttpMessageHandler> DropsGitHubWrites { get; } = inner => new DropsGitHubWritesHandler(inner);

    private static async Task<Dictionary<string, string>> FormAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        return body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => p.Length > 1 ? WebUtility.UrlDecode(p[1]) : "", StringComparer.Ordinal);
    }

    private sealed class DeactivatesEveryKeyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly ConcurrentDictionary<string, string> _newestKey = new(StringComparer.OrdinalIgnoreCase);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var operation = (await RequestOperation.IdentifyAsync(request, cancellationToken)).Operation;
            var form = operation is "CreateAccessKey" or "UpdateAccessKey" ? await FormAsync(request, cancellationToken) : [];
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return response;
            }

            if (operation == "CreateAccessKey")
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var created = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                _newestKey[form["UserName"]] = created.Descendants().First(e => e.Name.LocalName == "AccessKeyId").Value;
            }
            else if (operation == "UpdateAccessKey" && form.GetValueOrDefault("Status") == "Inactive"
                && _newestKey.TryGetValue(form["UserName"], out var newest) && newest != form["AccessKeyId"])
            {
                form["AccessKeyId"] = newest;
                using var also = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new FormUrlEncodedContent(form) };
                foreach (var (name, values) in request.Headers)
                {
                    also.Headers.TryAddWithoutValidation(name, values);
                }

                (await base.SendAsync(also, cancellationToken)).Dispose();
            }

            return response;
        }
    }

    private sealed class RestoreWithoutReactivatingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if ((await RequestOperation.IdentifyAsync(request, cancellationToken)).Operation == "UpdateAccessKey"
                && (await FormAsync(request, cancellationToken)).GetValueOrDefault("Status") == "Active")
            {
                const string ok = """<UpdateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>broken-restore</RequestId></ResponseMetadata></UpdateAccessKeyResponse>""";
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(ok, Encoding.UTF8, "text/xml") };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class DropsParameterWritesHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            switch ((await RequestOperation.IdentifyAsync(request, cancellationToken)).Operation)
            {
                case "PutParameter":
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"Version":1,"Tier":"Standard"}""", Encoding.UTF8, "application/x-amz-json-1.1") };
                case "AddTagsToResource":
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1") };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class DropsGitHubWritesHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains("/actions/secrets/", StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent))
                : base.SendAsync(request, cancellationToken);
    }
}
