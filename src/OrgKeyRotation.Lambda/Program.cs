using OrgKeyRotation.Lambda.Bootstrap;

return await LambdaHost.RunAsync(LambdaHost.ProcessEnvironment(), EngineComposition.Create);
