"""Formats sample responses with the AWS CLI's own formatter code: the oracle for awsso's
output module (tests/cli/output.rs).

Reads a JSON list of cases from the file named by its argument and writes a JSON list of results on stdout. A case:
  {"output": "json|text|table|yaml|yaml-stream", "operation": "GetCallerIdentity",
   "query": "expr" | null, "color": "off" | "on", "width": 80,
   "response": {...}}                                   one response, or
   "pages": [{...}, ...], "result_keys": ["accountList"], "resume_token": "tok" | null
A result: {"stdout": "...", "error": "..." | null}.

json, text and table run AWS CLI v1's `awscli.formatter` (equal to v2's for these). v1 has
no yaml, so yaml and yaml-stream follow v2's YAMLDumper: ruamel.yaml YAML(typ='safe') in
block style, top-level scalars written as JSON, yaml-stream one single-item list per page.
"""

import copy
import io
import json
import sys
from argparse import Namespace

import jmespath
from botocore.paginate import PageIterator
import ruamel.yaml.main
from ruamel.yaml import YAML

import awscli.formatter
import awscli.table
import colorama


class Pages(PageIterator):
    """A PageIterator over fixed pages, as botocore's paginator would yield them."""

    def __init__(self, pages, result_keys, resume_token):
        self._pages = pages
        self._result_keys = [jmespath.compile(k) for k in result_keys]
        self._resume_token = resume_token
        self._non_aggregate_part = {}
        self._non_aggregate_key_exprs = []

    def __iter__(self):
        for page in copy.deepcopy(self._pages):
            yield page


def yaml_dumper():
    dumper = YAML(typ='safe')
    # v2 ships ruamel.yaml.clib, so its safe dumper writes with libyaml's C emitter; the
    # pure-Python emitter differs (it does not escape characters beyond the BMP).
    assert dumper.Emitter is ruamel.yaml.main.CEmitter, 'ruamel.yaml.clib is missing'
    dumper.encoding = None
    dumper.representer.default_flow_style = False
    return dumper


def yaml_dump(value, stream):
    if value is None or isinstance(value, (bool, int, float, str)):
        json.dump(value, stream, ensure_ascii=False)
        stream.write('\n')
        return
    yaml_dumper().dump(value, stream)


def without_metadata(value):
    if isinstance(value, dict):
        value.pop('ResponseMetadata', None)
    return value


def run_yaml(case, query, response, stream):
    search = (lambda v: query.search(v)) if query else (lambda v: v)
    if case['output'] == 'yaml':
        if isinstance(response, PageIterator):
            response = response.build_full_result()
        result = search(without_metadata(response))
        if result != {}:
            yaml_dump(result, stream)
    elif isinstance(response, PageIterator):
        for page in response:
            yaml_dump([search(without_metadata(page))], stream)
    else:
        result = search(without_metadata(response))
        if result != {}:
            yaml_dump([result], stream)


def run(case):
    query = None
    if case.get('query') is not None:
        try:
            query = jmespath.compile(case['query'])
        except Exception as e:
            return {'stdout': '', 'error': 'Bad value for --query %s: %s' % (case['query'], e)}
    if 'pages' in case:
        response = Pages(case['pages'], case['result_keys'], case.get('resume_token'))
    else:
        response = copy.deepcopy(case['response'])
    width = case.get('width', 80)
    awscli.table.determine_terminal_width = lambda default_width=80: width
    real_stdout = sys.stdout
    captured = io.StringIO()
    # The formatter must find the capture as sys.stdout: with colour on, colorama wraps
    # whatever sys.stdout is when the formatter is built, as it wraps the real one in v2.
    sys.stdout = captured
    error = None
    try:
        if case['output'] in ('yaml', 'yaml-stream'):
            run_yaml(case, query, response, captured)
        else:
            args = Namespace(query=query, color=case.get('color', 'off'))
            formatter = awscli.formatter.get_formatter(case['output'], args)
            formatter(case['operation'], response)
    except Exception as e:
        error = str(e)
    finally:
        colorama.deinit()
        sys.stdout = real_stdout
    return {'stdout': captured.getvalue(), 'error': error}


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        cases = json.load(f)
    results = [run(case) for case in cases]
    sys.stdout.write(json.dumps(results))


if __name__ == '__main__':
    main()
