import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deploy } from "../../functions/tools/deploy.js";

const ROOT = join(import.meta.dirname, "../..");
const ENV = {
  GOOGLE_CLOUD_PROJECT: "passerelle-test",
  PASSERELLE_SNS_TOPIC_ARN: "arn:aws:sns:eu-west-3:123456789012:passerelle-replies",
  PASSERELLE_REPLY_DOMAIN: "reponses.passerelle.example.org",
};

function dryRun(env: Record<string, string>, argv: string[] = ["--dry-run"], cwd = ROOT) {
  const lines: string[] = [];
  const ran: string[][] = [];
  const status = deploy(argv, {
    env,
    cwd,
    out: (line) => lines.push(line),
    run: (command) => {
      ran.push([...command]);
      return 0;
    },
  });
  return { status, lines, ran };
}

describe("npm run deploy -- --dry-run", () => {
  it("prints every gcloud command, functions first, then the invoker right, then the workflows, and runs none", () => {
    const { status, lines, ran } = dryRun(ENV);

    expect(status).toBe(0);
    expect(ran).toEqual([]);
    expect(lines[0]).toBe("# 7 commandes (--dry-run : rien n'est exécuté)");
    expect(lines.slice(1).map((l) => l.split(" ").slice(0, 4).join(" "))).toEqual([
      "gcloud functions deploy sheetEdit",
      "gcloud functions deploy workflowStep",
      "gcloud functions add-invoker-policy-binding workflowStep",
      "gcloud functions deploy inboundMail",
      "gcloud workflows deploy passerelle-seminaire",
      "gcloud workflows deploy passerelle-rencontre",
      "gcloud workflows deploy passerelle-cycle",
    ]);
    const step = lines[2]!.split(" ");
    expect(step).toEqual(
      expect.arrayContaining([
        "--gen2",
        "--project=passerelle-test",
        "--region=europe-west1",
        "--runtime=nodejs22",
        "--entry-point=workflowStep",
        "--trigger-http",
        "--no-allow-unauthenticated",
        "--service-account=passerelle-functions@passerelle-test.iam.gserviceaccount.com",
        "--memory=2Gi",
        "--timeout=900s",
        "--set-secrets=AWS_ACCESS_KEY_ID=passerelle-ses-access-key-id:latest,AWS_SECRET_ACCESS_KEY=passerelle-ses-secret-access-key:latest,PASSERELLE_EDIT_SECRET=passerelle-edit-secret:latest,PASSERELLE_REPLY_SECRET=passerelle-reply-secret:latest",
      ]),
    );
    const envVars = step.find((a) => a.startsWith("--set-env-vars="))!;
    expect(envVars).toContain(
      "PASSERELLE_STEP_URL=https://europe-west1-passerelle-test.cloudfunctions.net/workflowStep",
    );
    expect(envVars).toContain(
      "PASSERELLE_SNS_TOPIC_ARN=arn:aws:sns:eu-west-3:123456789012:passerelle-replies",
    );
    expect(lines[1]).toContain("--allow-unauthenticated");
    expect(lines[3]).toBe(
      "gcloud functions add-invoker-policy-binding workflowStep --project=passerelle-test --region=europe-west1 --member=serviceAccount:passerelle-workflows@passerelle-test.iam.gserviceaccount.com",
    );
    expect(lines[5]).toBe(
      "gcloud workflows deploy passerelle-seminaire --project=passerelle-test --location=europe-west1 --source=workflows/seminar.yaml --service-account=passerelle-workflows@passerelle-test.iam.gserviceaccount.com '--description=Séminaire d'\\''immersion, de la vérification au questionnaire de satisfaction'",
    );
  });

  it("takes the region from the environment when given", () => {
    const { lines } = dryRun({ ...ENV, PASSERELLE_REGION: "europe-west9" });

    expect(lines.slice(1).every((l) => l.includes("europe-west9"))).toBe(true);
  });

  it("names the missing environment variables and deploys nothing", () => {
    const { status, lines, ran } = dryRun({}, []);

    expect(status).toBe(2);
    expect(ran).toEqual([]);
    expect(lines).toEqual([
      "Déploiement impossible : Variables d'environnement manquantes pour serverless.yml : GOOGLE_CLOUD_PROJECT, PASSERELLE_REPLY_DOMAIN, PASSERELLE_SNS_TOPIC_ARN",
    ]);
  });

  it("refuses a description that does not match the schema, saying where", async () => {
    const dir = await mkdtemp(join(tmpdir(), "passerelle-deploy-"));
    try {
      await writeFile(
        join(dir, "serverless.yml"),
        "service: x\nprovider:\n  project: p\n  region: r\n  runtime: nodejs18\n  source: .\n  serviceAccounts: {functions: a, workflows: b}\nfunctions: {}\nworkflows: {}\n",
      );
      const { status, lines } = dryRun(ENV, ["--dry-run"], dir);

      expect(status).toBe(2);
      expect(lines[0]).toMatch(/^Déploiement impossible : serverless\.yml invalide — provider\.runtime : /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs the commands in order and stops at the first failure", () => {
    const ran: string[] = [];
    const lines: string[] = [];
    const status = deploy([], {
      env: ENV,
      cwd: ROOT,
      out: (line) => lines.push(line),
      run: (command) => {
        ran.push(command[3]!);
        return command[3] === "inboundMail" ? 1 : 0;
      },
    });

    expect(status).toBe(1);
    expect(ran).toEqual(["sheetEdit", "workflowStep", "workflowStep", "inboundMail"]);
    expect(lines.at(-1)).toBe("Échec de la commande 4 (code 1) : déploiement arrêté.");
  });
});
