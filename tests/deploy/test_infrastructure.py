"""The CloudFormation template ask deploy creates the Lambda function from."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode import decode

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATE = DEPLOY / "infrastructure" / "cfn-deployer" / "skill-stack.yaml"
# The AWS regions Alexa calls Lambda functions in: North America, Europe, Far East.
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]


@pytest.fixture(scope="module")
def template() -> dict:
    data, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return data


def _one(template: dict, resource_type: str) -> dict:
    found = [r for r in template["Resources"].values() if r["Type"] == resource_type]
    assert len(found) == 1, resource_type
    return found[0]["Properties"]


def _default(template: dict, value):
    """A property's value, following a Ref to a parameter's default."""
    if isinstance(value, dict) and "Ref" in value and value["Ref"] in template["Parameters"]:
        return template["Parameters"][value["Ref"]].get("Default")
    return value


def test_cfn_lint_is_clean():
    # Errors, warnings and informational checks, in every region Alexa uses; nothing ignored.
    matches = lint(TEMPLATE.read_text(encoding="utf-8"),
                   config=ManualArgs(regions=ALEXA_REGIONS, include_checks=["I"]))
    assert not matches, "\n".join(str(m) for m in matches)


def test_template_ignores_no_cfn_lint_rule(template):
    assert "cfn-lint" not in template.get("Metadata", {})
    for resource in template["Resources"].values():
        assert "cfn-lint" not in resource.get("Metadata", {})


def test_function_runtime_handler_memory_and_timeout(template):
    function = _one(template, "AWS::Lambda::Function")
    runtimes = template["Parameters"]["LambdaRuntime"]["AllowedValues"]
    assert set(runtimes) <= {"python3.12", "python3.13"}
    assert _default(template, function["Runtime"]) in runtimes
    assert _default(template, function["Handler"]) == "skill.lambda_function.lambda_handler"
    assert function["MemorySize"] == 512
    assert function["Timeout"] <= 7  # Alexa waits 8 seconds


def test_alexa_trigger_is_bound_to_the_skill_id(template):
    permission = _one(template, "AWS::Lambda::Permission")
    assert permission["Principal"] == "alexa-appkit.amazon.com"
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["EventSourceToken"] == {"Ref": "SkillId"}
    function_name = permission["FunctionName"]
    assert function_name == {"Fn::GetAtt": ["AlexaSkillFunction", "Arn"]}


def test_skill_id_reaches_the_code(template):
    # The SDK refuses requests for another skill only when it knows the skill id.
    variables = _one(template, "AWS::Lambda::Function")["Environment"]["Variables"]
    assert variables["AFTERCARE_SKILL_ID"] == {"Ref": "SkillId"}
    assert {"AFTERCARE_CLINIC_NAME", "AFTERCARE_CLINIC_PHONE"} <= set(variables)


def test_logs_have_a_retention_and_a_home(template):
    log_group = _one(template, "AWS::Logs::LogGroup")
    assert _default(template, log_group["RetentionInDays"])
    function = _one(template, "AWS::Lambda::Function")
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "AlexaSkillLogGroup"}


def test_role_may_only_write_its_own_logs_and_touch_its_own_table_items(template):
    role = _one(template, "AWS::IAM::Role")
    assert "ManagedPolicyArns" not in role
    trust = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                      "Action": "sts:AssumeRole"}]
    # The table's policy exists only when memory is on (an Fn::If around it).
    policies = [p["Fn::If"][1] if "Fn::If" in p else p for p in role["Policies"]]
    assert [p["Fn::If"][0] for p in role["Policies"] if "Fn::If" in p] == ["MemoryOn"]
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    assert all(s["Effect"] == "Allow" for s in statements)
    by_resource = {}
    for s in statements:
        actions = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
        by_resource.setdefault(json.dumps(s["Resource"], sort_keys=True), set()).update(actions)
    assert by_resource == {
        json.dumps({"Fn::GetAtt": ["AlexaSkillLogGroup", "Arn"]}): {"logs:CreateLogStream",
                                                                  "logs:PutLogEvents"},
        json.dumps({"Fn::GetAtt": ["AlexaSkillTable", "Arn"]}): {"dynamodb:GetItem",
                                                               "dynamodb:PutItem",
                                                               "dynamodb:DeleteItem"},
    }


def test_the_only_store_is_the_consented_session_time_table_with_ttl(template):
    types = [r["Type"] for r in template["Resources"].values()]
    assert not any(t.startswith(("AWS::S3::", "AWS::RDS::")) for t in types)
    table = _one(template, "AWS::DynamoDB::Table")
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    env = _one(template, "AWS::Lambda::Function")["Environment"]["Variables"]
    # Only a clinic that turns memory on gets the table, and the function is told to use it.
    assert template["Resources"]["AlexaSkillTable"]["Condition"] == "MemoryOn"
    assert env["AFTERCARE_STORE"] == {"Fn::If": ["MemoryOn", "dynamodb", "none"]}
    assert env["AFTERCARE_DYNAMODB_TABLE"] == {
        "Fn::If": ["MemoryOn", {"Ref": "AlexaSkillTable"}, {"Ref": "AWS::NoValue"}]}


def test_memory_and_reminders_are_off_unless_the_clinic_turns_them_on(template):
    env = _one(template, "AWS::Lambda::Function")["Environment"]["Variables"]
    for parameter, variable in (("RememberSessionTime", "AFTERCARE_MEMORY"),
                                ("OfferReminder", "AFTERCARE_REMINDERS")):
        assert template["Parameters"][parameter]["Default"] == "off"
        assert env[variable] == {"Ref": parameter}


def test_stack_outputs_the_endpoint_ask_cli_reads(template):
    # cfn-deployer takes the Lambda ARN from the output named SkillEndpoint.
    endpoint = template["Outputs"]["SkillEndpoint"]["Value"]
    assert endpoint == {"Fn::GetAtt": ["AlexaSkillFunction", "Arn"]}


def test_template_does_not_trigger_skill_credential_lookup():
    # cfn-deployer fetches the skill's messaging credentials when the template text names
    # both of these; this skill sends no proactive messages and needs no secret.
    text = TEMPLATE.read_text(encoding="utf-8")
    assert not ("SkillClientId" in text and "SkillClientSecret" in text)
