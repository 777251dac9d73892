using OrgKeyRotation.Hosting;
using OrgKeyRotation.Lambda.Bootstrap;

return await LambdaHost.RunAsync(HostComposition.ProcessEnvironment(), ServiceSetup.FromEnvironment);
