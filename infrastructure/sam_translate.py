#!/usr/bin/env python3
"""The two template steps of `sam build` + `sam deploy` that need SAM, done offline for moto-deploy.sh.

  code-uris TEMPLATE OUT LogicalId=DIR...   what `sam build` writes to .aws-sam/build/template.yaml:
                                            each function's CodeUri pointed at its built artifact dir
  transform TEMPLATE OUT [Name=Value...]    what CloudFormation's AWS::Serverless-2016-10-31 transform
                                            does server side (moto does not run it), with the installed
                                            aws-sam-translator; Name=Value are parameter overrides
  moto-standins TEMPLATE OUT                the expanded template with what moto's CloudFormation cannot
                                            create replaced: an AWS::Lambda::Alias (moto has no model for
                                            it, and a rule or event source naming it fails) is dropped and
                                            each Ref to it becomes its function's ARN. The checks of the
                                            alias itself read the expanded template, not moto.

Both read YAML with CloudFormation short tags (!Ref, !Sub, ...) or JSON, and write JSON.
"""

import json
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class OfflineManagedPolicyLoader(ManagedPolicyLoader):
    """Never calls IAM.

    The translator looks a managed policy *name* up in its bundled map first and asks this loader only
    for names missing there; the stock loader would then page through iam:ListPolicies. Our template
    gives both functions an explicit Role, so no name is looked up at all; an unknown name stays as
    written, and CloudFormation would reject it, which is the right failure."""

    def __init__(self) -> None:  # no IAM client, deliberately
        super().__init__(iam_client=None)  # type: ignore[arg-type]
        self._policy_map = {}

    def load(self) -> dict[str, str]:
        return {}


def read_template(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml_parse(f.read())


def write_json(path: str, document: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")


def pairs(args: list[str], what: str) -> dict[str, str]:
    result = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep or not name:
            sys.exit(f"sam_translate.py: expected {what}=VALUE, got {arg!r}")
        result[name] = value
    return result


def code_uris(template_path: str, out_path: str, args: list[str]) -> None:
    template = read_template(template_path)
    artifacts = pairs(args, "LogicalId")
    resources = template.get("Resources", {})
    functions = {k for k, v in resources.items() if v.get("Type") == "AWS::Serverless::Function"}
    if set(artifacts) != functions:
        sys.exit(
            f"sam_translate.py: functions in {template_path} are {sorted(functions)}, "
            f"artifacts were given for {sorted(artifacts)}"
        )
    for logical_id, artifact_dir in artifacts.items():
        if not os.path.isdir(artifact_dir):
            sys.exit(f"sam_translate.py: artifact dir of {logical_id} does not exist: {artifact_dir}")
        resources[logical_id]["Properties"]["CodeUri"] = os.path.abspath(artifact_dir)
    write_json(out_path, template)


def sam_transform(template_path: str, out_path: str, args: list[str]) -> None:
    template = read_template(template_path)
    try:
        # ArnGenerator takes the partition from the region (AWS_DEFAULT_REGION), set by the caller.
        translated = transform(template, pairs(args, "Parameter"), OfflineManagedPolicyLoader())
    except InvalidDocumentException as e:
        causes = "\n".join(f"  - {cause.message}" for cause in e.causes)
        sys.exit(f"sam_translate.py: {template_path} is not a valid SAM template:\n{causes}")
    write_json(out_path, translated)


def moto_standins(template_path: str, out_path: str) -> None:
    with open(template_path, encoding="utf-8") as f:
        template = json.load(f)
    resources = template["Resources"]
    aliases = {k: v["Properties"]["FunctionName"] for k, v in resources.items() if v["Type"] == "AWS::Lambda::Alias"}

    # A FunctionName (event source, permission) takes the function's name; anything else (a rule's
    # target Arn) its ARN, as the alias's Ref would have given.
    def replace(node, key=None):
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in aliases:
                function = aliases[node["Ref"]]
                if key == "FunctionName" or not (isinstance(function, dict) and "Ref" in function):
                    return function
                return {"Fn::GetAtt": [function["Ref"], "Arn"]}
            return {k: replace(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [replace(v, key) for v in node]
        return node

    for alias in aliases:
        del resources[alias]
    template = replace(template)
    for resource in template["Resources"].values():
        depends = resource.get("DependsOn")
        if isinstance(depends, list):
            resource["DependsOn"] = [d for d in depends if d not in aliases]
        elif depends in aliases:
            del resource["DependsOn"]
    write_json(out_path, template)


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] not in ("code-uris", "transform", "moto-standins"):
        sys.exit(__doc__)
    command, template_path, out_path, rest = argv[0], argv[1], argv[2], argv[3:]
    if command == "code-uris":
        code_uris(template_path, out_path, rest)
    elif command == "moto-standins":
        moto_standins(template_path, out_path)
    else:
        sam_transform(template_path, out_path, rest)


if __name__ == "__main__":
    main(sys.argv[1:])
